import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type SqlFlavour = 'sqlite' | 'postgres';

/** Versioned migrations, applied in name order on start and by `oversight migrate`. */
export function migrationsFor(flavour: SqlFlavour): Record<string, Migration> {
  const blob = flavour === 'postgres' ? 'bytea' : 'blob';
  const big = flavour === 'postgres' ? 'bigint' : 'integer';
  return {
    '0001_foundation': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('organizations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('slug', 'text', (c) => c.notNull().unique())
          .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('vendor_id', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('deactivated_at', 'text')
          .addUniqueConstraint('users_org_email', ['organization_id', 'email'])
          .execute();
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('prefix', 'text', (c) => c.notNull().unique())
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema
          .createIndex('api_keys_org_user')
          .on('api_keys')
          .columns(['organization_id', 'user_id'])
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('csrf_token', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('ended_at', 'text')
          .execute();
        await db.schema
          .createTable('systems')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('vendor_id', 'text')
          .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('risk_tier', 'text')
          .addColumn('classification', 'text')
          .addColumn('classified_at', 'text')
          .addColumn('approved_by', 'text')
          .addColumn('approved_at', 'text')
          .addColumn('decides_about_customers', 'integer', (c) => c.notNull())
          .addColumn('public', 'integer', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('systems_org_id')
          .on('systems')
          .columns(['organization_id', 'id'])
          .execute();
        await db.schema
          .createIndex('systems_org_owner')
          .on('systems')
          .columns(['organization_id', 'owner_id'])
          .execute();
        await db.schema
          .createTable('vendors')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('legal_name', 'text', (c) => c.notNull())
          .addColumn('contact_name', 'text', (c) => c.notNull())
          .addColumn('contact_email', 'text', (c) => c.notNull())
          .addColumn('dpa_signed', 'integer', (c) => c.notNull())
          .addColumn('dpa_signed_at', 'text')
          .addColumn('data_locations', 'text', (c) => c.notNull())
          .addColumn('sub_processors', 'text', (c) => c.notNull())
          .addColumn('criticality', 'text', (c) => c.notNull())
          .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('public', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('vendors_org_id')
          .on('vendors')
          .columns(['organization_id', 'id'])
          .execute();
        await db.schema
          .createIndex('vendors_org_owner')
          .on('vendors')
          .columns(['organization_id', 'owner_id'])
          .execute();
        await db.schema
          .createTable('engagements')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('task', 'text', (c) => c.notNull())
          .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id'))
          .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('start_date', 'text', (c) => c.notNull())
          .addColumn('end_date', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('engagements_org_id')
          .on('engagements')
          .columns(['organization_id', 'id'])
          .execute();
        await db.schema
          .createIndex('engagements_org_owner')
          .on('engagements')
          .columns(['organization_id', 'owner_id'])
          .execute();
        await db.schema
          .createTable('engagement_systems')
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('engagement_id', 'text', (c) => c.notNull().references('engagements.id'))
          .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id'))
          .addPrimaryKeyConstraint('engagement_systems_pk', ['engagement_id', 'system_id'])
          .execute();
        await db.schema
          .createIndex('engagement_systems_system')
          .on('engagement_systems')
          .columns(['organization_id', 'system_id'])
          .execute();
        await db.schema
          .createTable('ownership_transfers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('resource_type', 'text', (c) => c.notNull())
          .addColumn('resource_id', 'text', (c) => c.notNull())
          .addColumn('from_user_id', 'text', (c) => c.notNull())
          .addColumn('to_user_id', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('ownership_transfers_resource')
          .on('ownership_transfers')
          .columns(['organization_id', 'resource_id'])
          .execute();
        await db.schema
          .createTable('ledger_heads')
          .addColumn('organization_id', 'text', (c) => c.primaryKey())
          .addColumn('size', sql.raw(big), (c) => c.notNull())
          .addColumn('frontier', sql.raw(blob), (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('ledger_entries')
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('idx', sql.raw(big), (c) => c.notNull())
          .addColumn('leaf', 'text', (c) => c.notNull())
          .addColumn('leaf_hash', sql.raw(blob), (c) => c.notNull())
          .addPrimaryKeyConstraint('ledger_entries_pk', ['organization_id', 'idx'])
          .execute();
        await db.schema
          .createTable('ledger_nodes')
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('level', 'integer', (c) => c.notNull())
          .addColumn('idx', sql.raw(big), (c) => c.notNull())
          .addColumn('hash', sql.raw(blob), (c) => c.notNull())
          .addPrimaryKeyConstraint('ledger_nodes_pk', ['organization_id', 'level', 'idx'])
          .execute();
        await db.schema
          .createTable('ledger_checkpoints')
          .addColumn('organization_id', 'text', (c) => c.notNull())
          .addColumn('size', sql.raw(big), (c) => c.notNull())
          .addColumn('root_hash', sql.raw(blob), (c) => c.notNull())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('ledger_checkpoints_pk', ['organization_id', 'size'])
          .execute();
        await db.schema
          .createTable('ledger_keys')
          .addColumn('organization_id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('public_key', sql.raw(blob), (c) => c.notNull())
          .addColumn('sealed_private_key', sql.raw(blob), (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0002_ledger_search_and_trust': {
      async up(db: Kysely<unknown>) {
        // Denormalised copies of three leaf fields so people can search the log; the leaf stays
        // the only thing that is hashed and verified.
        await db.schema.alterTable('ledger_entries').addColumn('event_type', 'text').execute();
        await db.schema.alterTable('ledger_entries').addColumn('actor_id', 'text').execute();
        await db.schema.alterTable('ledger_entries').addColumn('subject_id', 'text').execute();
        await db.schema
          .createIndex('ledger_entries_subject')
          .on('ledger_entries')
          .columns(['organization_id', 'subject_id', 'idx'])
          .execute();
        await db.schema
          .createIndex('ledger_entries_actor')
          .on('ledger_entries')
          .columns(['organization_id', 'actor_id', 'idx'])
          .execute();
        await db.schema
          .createIndex('ledger_entries_type')
          .on('ledger_entries')
          .columns(['organization_id', 'event_type', 'idx'])
          .execute();
        await db.schema
          .createTable('trust_content')
          .addColumn('organization_id', 'text', (c) => c.primaryKey())
          .addColumn('content', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}

/** A Kysely MigrationProvider over the in-code migrations. */
export function migrationProvider(flavour: SqlFlavour): MigrationProvider {
  return { getMigrations: async () => migrationsFor(flavour) };
}
