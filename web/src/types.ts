// The API's shapes this app reads (docs/openapi.json has every field).
export type Option = { id: string; name: string };
export type Program = { stages: Option[]; tiers: Option[]; categories: Option[]; tags: Option[]; version: number };

export type Partnership = {
  id: string;
  company_name: string;
  partnership_type: string;
  website: string | null;
  country: string | null;
  stage: string;
  stage_changed_at: string | null;
  tier: string | null;
  category: string | null;
  tags: string[];
  assigned_user_ids: string[];
  portal_url: string | null;
  archived: boolean;
  version: number;
  created_at: string;
};

export type ActivityEntry = {
  id: string;
  kind: string;
  summary: string;
  actor_user_id: string | null;
  occurred_at: string;
};

export type Icp = {
  countries: string[];
  industries: string[];
  company_size: { min_employees: number | null; max_employees: number | null };
  sub_categories: string[];
  keywords: string[];
  custom: { label: string; value: string }[];
  version: number;
  updated_at: string | null;
};

export type OrganisationUser = { id: string; email: string; name: string; roles: string[] };

export type Lead = {
  id: string;
  company_name: string;
  website: string | null;
  country: string | null;
  estimated_value: string | null;
  currency: string | null;
  status: "not_sent" | "sent" | "accepted" | "declined";
  origin: string;
  partnership_id: string | null;
  decline_reason: string | null;
  deal_id: string | null;
  registration_status: string;
  created_at: string;
  contact: { first_name: string | null; last_name: string | null; email: string | null } | null;
};

export type Notification = {
  id: string;
  category: string;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read: boolean;
};

export type PortalProgram = {
  partnership_id: string;
  vendor_organisation_name: string | null;
  company_name: string | null;
  partnership_type: string | null;
  stage: string | null;
  tier: string | null;
  // the vendor's names (null until its program lists reach the portal)
  stage_name: string | null;
  tier_name: string | null;
  archived: boolean;
};

export type Money = { amount: string; currency: string };
export type PortalDashboard = {
  partnership_id: string;
  tier: string | null;
  stage: string | null;
  leads: number;
  leads_submitted: number;
  leads_accepted: number;
  leads_declined: number;
  conversion_rate: string | null;
  deals_open: number;
  deals_won: number;
  deals_lost: number;
  pipeline: Money[];
  won_revenue: Money[];
  certifications: number;
  recent_activity: { kind: string; text: string; occurred_at: string }[];
};

export type Deal = {
  id: string;
  name: string;
  status: "open" | "closed_won" | "closed_lost";
  amount: string | null;
  currency: string | null;
  source: string;
  partnership_id: string | null;
  lead_id: string | null;
  close_date: string | null;
  created_at: string;
  tab: "owned" | "sent" | "network";
  editable: boolean;
};
