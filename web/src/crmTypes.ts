// The CRM shapes the console's accounts, imports, routing and referral screens read (docs/openapi.json).
export const LIFECYCLE_STAGES = [
  "subscriber",
  "lead",
  "marketing_qualified",
  "sales_qualified",
  "opportunity",
  "customer",
  "evangelist",
  "other",
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export function stageLabel(stage: string | null | undefined): string {
  if (!stage) return "—";
  const text = stage.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type Account = {
  id: string;
  name: string;
  website: string | null;
  domain: string | null;
  country: string | null;
  industry: string | null;
  employee_count: number | null;
  lifecycle_stage: LifecycleStage | null;
  lead_source: string | null;
  notes: string | null;
  contact_count?: number;
  created_at: string;
  updated_at: string;
  version: number;
};

export type Contact = {
  id: string;
  account_id: string;
  first_name: string;
  last_name: string | null;
  email: string | null;
  title: string | null;
  linkedin_url: string | null;
  version: number;
};

export type ImportRowResult = {
  row: number;
  outcome: "created" | "updated" | "unchanged" | "rejected";
  reason?: string | null;
  account_id?: string | null;
};

export type AccountImport = {
  id: string;
  status: "queued" | "running" | "completed" | "failed";
  file_name: string | null;
  rows_total: number;
  rows_done: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  results?: ImportRowResult[] | null;
};

export type ImportRejection = { row: number; reason: string; name?: string | null; website?: string | null };

export type ScoreReason = { criterion: string; points: number; detail: string };
export type Suggestion = {
  partnership_id: string;
  company_name: string;
  partnership_type: string;
  tier: string | null;
  score: number;
  explanation: ScoreReason[];
};
export type RoutingSuggestions = { items: Suggestion[]; candidates: number };

export type Referral = {
  id: string;
  deal_id: string;
  deal_name: string;
  owner_organisation_id: string;
  referrer_organisation_id: string;
  partnership_id: string | null;
  status: "pending" | "accepted" | "declined";
  direction: "in" | "out";
  editable: boolean;
  created_at: string;
  updated_at: string;
};
