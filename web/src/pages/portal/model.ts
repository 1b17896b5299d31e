// The portal rooms' shapes as docs/openapi.json gives them (only the fields the screens use).

export type Participant = { user_id: string; organisation_id: string; name: string | null; side: "vendor" | "partner" };

export type PortalCard = {
  partnership_id: string;
  vendor_organisation_name: string | null;
  company_name: string | null;
  partnership_type: string | null;
  tier: string | null;
  stage: string | null;
  side: "vendor" | "partner";
  rooms: string[];
};

export type ContentVersion = {
  version_id: string;
  number: number;
  status: "pending" | "current" | "previous";
  kind: "file" | "link";
  filename: string | null;
  content_type: string | null;
  size: number | null;
  url: string | null;
  created_at: string;
};

export type Resource = {
  resource_id: string;
  room: "resources" | "brand";
  kind: "file" | "link";
  title: string;
  description: string;
  tags: string[];
  current_version: ContentVersion | null;
  updated_at: string;
};

export type SharedFile = {
  file_id: string;
  title: string;
  description: string;
  tags: string[];
  uploader_side: "vendor" | "partner";
  current_version: ContentVersion | null;
  updated_at: string;
};

export type Upload = { url: string; fields: Record<string, string>; expires_at: string };
export type PendingVersion = { upload: Upload | null; version: ContentVersion };
export type Download = { url: string; filename: string | null; kind: "file" | "link" };

export type Progress = {
  lessons_done: string[];
  lessons_total: number;
  passed: boolean;
  completed: boolean;
  completed_at: string | null;
  best_score: number | null;
};
export type ModuleSummary = { id: string; title: string; description: string; lesson_count: number; has_quiz: boolean; progress: Progress };
export type Lesson = { id: string; title: string; body: string; url: string | null };
export type Question = { id: string; text: string; multiple: boolean; options: { id: string; text: string }[] };
export type TrainingModule = {
  id: string;
  title: string;
  description: string;
  lessons: Lesson[];
  quiz: { pass_mark: number; questions: Question[] } | null;
  progress: Progress;
};
export type QuizResult = { score?: number; passed?: boolean };

export type Milestone = { id: string; title: string; due_on: string | null; done: boolean };
export type Project = {
  id: string;
  name: string;
  description: string | null;
  status: string;
  start_on: string | null;
  end_on: string | null;
  milestones: Milestone[];
};
export type TaskStatus = "todo" | "in_progress" | "done";
export type Task = {
  id: string;
  title: string;
  description: string | null;
  status: TaskStatus;
  due_on: string | null;
  assignee: Participant | null;
  version: number;
};

export type Thread = {
  id: string;
  subject: string;
  started_by: Participant;
  last_message_at: string;
  last_excerpt: string;
  message_count: number;
  unread: number;
};
export type Message = { id: string; body: string; author: Participant; posted_at: string; sequence: number };

export type SearchHit = { kind: string; id: string; title: string; excerpt: string };
export type SearchResults = { query: string; items: SearchHit[]; truncated: boolean };

export type ResellerFigures = {
  partnership_id: string;
  company_name: string | null;
  leads: number;
  leads_submitted: number;
  deals_open: number;
  deals_won: number;
  pipeline: { amount: string; currency: string }[];
  won_revenue: { amount: string; currency: string }[];
};

export type OrganisationUser = { id: string; email: string; name: string; roles: string[] };
export type Invitation = { id: string; email: string; name: string | null; roles: string[]; status: string; expires_at: string };
export type Me = { user_id: string; organisation_id: string; roles: string[]; side: string };

export type CategoryChannels = { category: string; label: string; description: string; in_app: boolean; email: boolean };
export type Preferences = { categories: CategoryChannels[]; digest: "off" | "daily" | "weekly"; email_address: string | null };

/** "system-integrator" → "System integrator": the portal's projection carries only ids (see README). */
export function humanise(id: string | null | undefined): string {
  if (!id) return "";
  const words = id.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
