// The signed-in user: the ID token (kept in sessionStorage, so it ends with the tab) and its claims.
const KEY = "trellis.session";

export type Side = "vendor" | "partner";
export type Session = {
  token: string;
  userId: string;
  name: string;
  email: string;
  organisationId: string;
  roles: string[];
  side: Side;
  expiresAt: number; // epoch seconds
};

const VENDOR_ROLES = new Set(["admin", "partner_manager", "member"]);

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<
    string,
    unknown
  >;
}

export function sessionFromToken(token: string): Session {
  const claims = claimsOf(token);
  const roles = String(claims["custom:roles"] ?? "")
    .split(",")
    .map((role) => role.trim())
    .filter(Boolean);
  return {
    token,
    userId: String(claims["custom:user_id"] ?? claims.sub ?? ""),
    name: String(claims.name ?? claims.email ?? ""),
    email: String(claims.email ?? ""),
    organisationId: String(claims["custom:org_id"] ?? ""),
    roles,
    side: roles.some((role) => VENDOR_ROLES.has(role)) ? "vendor" : "partner",
    expiresAt: Number(claims.exp ?? 0),
  };
}

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  const session = JSON.parse(raw) as Session;
  if (session.expiresAt * 1000 < Date.now()) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return session;
}

export function saveSession(token: string): Session {
  const session = sessionFromToken(token);
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
