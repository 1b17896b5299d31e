// Cognito hosted login (authorization code + PKCE), used when /config.json says "auth": "cognito".
import type { CognitoAuth } from "./config";

const VERIFIER = "trellis.pkce";

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function startHostedLogin(settings: CognitoAuth): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER, verifier);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: settings.client_id,
    redirect_uri: settings.redirect_uri,
    scope: "openid email profile",
    code_challenge_method: "S256",
    code_challenge: challenge,
  });
  window.location.assign(`${settings.cognito_domain}/oauth2/authorize?${params}`);
}

/** On return from the hosted login (?code=…): the ID token, which the API's JWT authorizer verifies. */
export async function finishHostedLogin(settings: CognitoAuth): Promise<string | null> {
  const code = new URLSearchParams(window.location.search).get("code");
  const verifier = sessionStorage.getItem(VERIFIER);
  if (!code || !verifier) return null;
  sessionStorage.removeItem(VERIFIER);
  const response = await fetch(`${settings.cognito_domain}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: settings.client_id,
      code,
      redirect_uri: settings.redirect_uri,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`sign-in failed: HTTP ${response.status}`);
  const tokens = (await response.json()) as { id_token: string };
  window.history.replaceState(null, "", `${window.location.pathname.replace(/callback\/?$/, "")}#/`);
  return tokens.id_token;
}

export function hostedLogout(settings: CognitoAuth): void {
  const params = new URLSearchParams({ client_id: settings.client_id, logout_uri: settings.redirect_uri });
  window.location.assign(`${settings.cognito_domain}/logout?${params}`);
}
