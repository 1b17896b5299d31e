// Runtime configuration, read from /config.json so one build serves every stage: the local stack
// serves the committed file ({"auth": "local"}); a deployment replaces it with its Cognito settings.
export type LocalAuth = { auth: "local"; api_url: string };
export type CognitoAuth = {
  auth: "cognito";
  api_url: string; // the HTTP API's URL (another origin: the API's CORS allows the web origin)
  cognito_domain: string; // https://<prefix>.auth.<region>.amazoncognito.com
  client_id: string;
  redirect_uri: string; // must be one of the app client's CallbackURLs
};
export type AppConfig = LocalAuth | CognitoAuth;

let loaded: AppConfig | null = null;

export async function loadConfig(): Promise<AppConfig> {
  if (loaded) return loaded;
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  loaded = (await response.json()) as AppConfig;
  return loaded;
}

export function config(): AppConfig {
  if (!loaded) throw new Error("configuration not loaded");
  return loaded;
}
