/**
 * Row types of the SQL schema, snake_case as in the database. Only code under storage/ sees
 * them; ports speak domain types and the mapping lives in the adapters.
 */
export type Database = {
  organizations: { id: string; name: string; slug: string; demo: number; created_at: string };
  users: {
    id: string;
    organization_id: string;
    email: string;
    name: string;
    role: string;
    vendor_id: string | null;
    status: string;
    password_hash: string | null;
    created_at: string;
    deactivated_at: string | null;
  };
  api_keys: {
    id: string;
    organization_id: string;
    user_id: string;
    name: string;
    prefix: string;
    secret_hash: string;
    created_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
  };
  sessions: {
    id: string;
    organization_id: string;
    user_id: string;
    csrf_token: string;
    created_at: string;
    expires_at: string;
    ended_at: string | null;
  };
  systems: {
    id: string;
    organization_id: string;
    name: string;
    description: string;
    purpose: string;
    kind: string;
    vendor_id: string | null;
    owner_id: string;
    status: string;
    risk_tier: string | null;
    classification: string | null;
    classified_at: string | null;
    approved_by: string | null;
    approved_at: string | null;
    decides_about_customers: number;
    public: number;
    tags: string;
    created_at: string;
    updated_at: string;
  };
  vendors: {
    id: string;
    organization_id: string;
    legal_name: string;
    contact_name: string;
    contact_email: string;
    dpa_signed: number;
    dpa_signed_at: string | null;
    data_locations: string;
    sub_processors: string;
    criticality: string;
    owner_id: string;
    public: number;
    created_at: string;
    updated_at: string;
  };
  engagements: {
    id: string;
    organization_id: string;
    title: string;
    task: string;
    vendor_id: string;
    owner_id: string;
    start_date: string;
    end_date: string | null;
    created_at: string;
    updated_at: string;
  };
  engagement_systems: { organization_id: string; engagement_id: string; system_id: string };
  ownership_transfers: {
    id: string;
    organization_id: string;
    resource_type: string;
    resource_id: string;
    from_user_id: string;
    to_user_id: string;
    reason: string;
    actor_id: string;
    at: string;
  };
  ledger_heads: { organization_id: string; size: number | string; frontier: Uint8Array; updated_at: string };
  ledger_entries: {
    organization_id: string;
    idx: number | string;
    leaf: string;
    leaf_hash: Uint8Array;
    event_type: string | null;
    actor_id: string | null;
    subject_id: string | null;
  };
  trust_content: { organization_id: string; content: string; updated_at: string };
  ledger_nodes: { organization_id: string; level: number; idx: number | string; hash: Uint8Array };
  ledger_checkpoints: {
    organization_id: string;
    size: number | string;
    root_hash: Uint8Array;
    note: string;
    created_at: string;
  };
  ledger_keys: {
    organization_id: string;
    name: string;
    public_key: Uint8Array;
    sealed_private_key: Uint8Array;
    created_at: string;
  };
};
