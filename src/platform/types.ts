/**
 * One API key as provisioned; `secret` is the credential and must never leave the VU that uses it. It is empty
 * against a server without auth (platform.auth none): the request then carries no Authorization header.
 */
export interface ProvisionedKey {
  id: string;
  secret: string;
}

export interface ProvisionedUser {
  /** 1-based test-wide user index (the VU that plays it has this idInTest in a closed run). */
  index: number;
  name: string;
  org: string;
  orgIndex: number;
  orgId: string;
  userId: string;
  keys: ProvisionedKey[];
}

export interface ProvisionedOrg {
  index: number;
  name: string;
  orgId: string;
  /** This instance created its budget and suspends it at cleanup. */
  owned: boolean;
}

/** What setup() hands every VU: this instance's share of tenants. */
export interface Provisioned {
  adapter: 'ai-aas' | 'static';
  orgs: ProvisionedOrg[];
  users: ProvisionedUser[];
  warnings: string[];
}
