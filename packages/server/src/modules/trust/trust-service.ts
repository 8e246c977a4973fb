import { TrustContent } from '../../../../contract/src/trust.ts';
import { notFound } from '../../shared/app-error.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store.ts';
import { assertAllowed, ledgerActor } from '../identity/identity-service.ts';
import type { Actor } from '../identity/identity-types.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';

export type TrustDeps = { store: Store; clock: Clock; ledger: Pick<LedgerService, 'append'> };

const EMPTY: TrustContent = TrustContent.parse({});

/** The public trust portal: what the organisation tells customers, and only what it marked public. */
export function createTrustService(deps: TrustDeps) {
  const { store, clock, ledger } = deps;
  return {
    /** The editable content (staff). */
    async getContent(actor: Actor) {
      assertAllowed(actor, 'trust.read');
      const row = await store.read.trust.getContent(actor.organizationId);
      return { content: row?.content ?? EMPTY, updatedAt: row?.updatedAt ?? null };
    },

    /** Replaces the content (admins); recorded on the ledger. */
    async putContent(actor: Actor, content: TrustContent) {
      assertAllowed(actor, 'trust.edit');
      const at = clock.now().toISOString();
      await store.transaction(async (tx) => {
        await tx.trust.putContent(actor.organizationId, content, at);
        await ledger.append(tx, actor.organizationId, [
          {
            type: 'trust.content_updated',
            actor: ledgerActor(actor),
            subject: { type: 'organization', id: actor.organizationId },
            change: content,
          },
        ]);
      });
      return { content, updatedAt: at };
    },

    /** The public page by organisation slug; unpublished portals do not exist to the public. */
    async publicPage(slug: string) {
      const org = await store.read.identity.getOrganizationBySlug(slug);
      const row = org ? await store.read.trust.getContent(org.id) : undefined;
      if (!org || !row?.content.published) throw notFound('trust portal', slug);
      const systems = await allPages((cursor) =>
        store.read.registry.listSystems(org.id, {}, { limit: 200, cursor }),
      );
      const vendors = await allPages((cursor) =>
        store.read.registry.listVendors(org.id, {}, { limit: 200, cursor }),
      );
      return {
        organization: { name: org.name, slug: org.slug, demo: org.demo },
        content: row.content,
        systems: systems
          .filter((s) => s.public && s.status !== 'retired')
          .map((s) => ({
            name: s.name,
            purpose: s.purpose,
            kind: s.kind,
            riskTier: s.riskTier,
            decidesAboutCustomers: s.decidesAboutCustomers,
            status: s.status,
          })),
        vendors: vendors
          .filter((v) => v.public)
          .map((v) => ({
            legalName: v.legalName,
            dataLocations: [...v.dataLocations],
            subProcessors: v.subProcessors.map((p) => ({ ...p })),
          })),
      };
    },
  };
}

export type TrustService = ReturnType<typeof createTrustService>;

async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const p = await page(cursor);
    out.push(...p.items);
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  return out;
}
