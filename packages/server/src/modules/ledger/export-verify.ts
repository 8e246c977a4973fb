import { checkSignedCheckpoints, EXPORT_FORMAT } from './ledger-service.ts';
import { parseVerifierKey } from './signed-note.ts';
import { createLogVerifier, type VerifyProblem, type VerifyReport } from './verify.ts';

/**
 * Verifies an exported log offline, trusting only the verifier key: every checkpoint must carry
 * a valid signature by that key and match the entries. Pass `pinnedVerifierKey` to refuse a file
 * whose header names another key (an attacker could otherwise re-sign a forged export).
 */
export async function verifyExportLines(
  lines: AsyncIterable<string>,
  pinnedVerifierKey?: string,
): Promise<VerifyReport & { organizationId: string }> {
  let lineNo = 0;
  let verifier: ReturnType<typeof createLogVerifier> | null = null;
  let organizationId = '';
  let claimedSize = 0;
  const early: VerifyProblem[] = [];
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      early.push({ index: null, kind: 'malformed', message: `line ${lineNo}: not JSON` });
      continue;
    }
    if (!verifier) {
      const h = value as {
        format?: unknown;
        organizationId?: unknown;
        origin?: unknown;
        verifierKey?: unknown;
        treeSize?: unknown;
        checkpoints?: unknown;
      };
      if (
        h.format !== EXPORT_FORMAT ||
        typeof h.verifierKey !== 'string' ||
        typeof h.origin !== 'string' ||
        !Array.isArray(h.checkpoints)
      )
        return failed(`line 1: not an ${EXPORT_FORMAT} header`);
      if (pinnedVerifierKey && h.verifierKey !== pinnedVerifierKey)
        return failed('the file is signed by a different key than the pinned one');
      const vkey = parseVerifierKey(h.verifierKey);
      if (!vkey.ok) return failed(`line 1: verifierKey: ${vkey.reason}`);
      organizationId = typeof h.organizationId === 'string' ? h.organizationId : '';
      claimedSize = typeof h.treeSize === 'number' ? h.treeSize : 0;
      const { trusted, problems } = checkSignedCheckpoints(h.checkpoints.map(String), vkey, h.origin);
      early.push(...problems);
      if (trusted.length === 0)
        early.push({ index: null, kind: 'unsigned', message: 'the file carries no valid signed checkpoint' });
      verifier = createLogVerifier({ organizationId: organizationId || null, checkpoints: trusted });
      continue;
    }
    const e = value as { index?: unknown; leaf?: unknown; leafHash?: unknown };
    if (!Number.isSafeInteger(e.index) || typeof e.leaf !== 'string') {
      early.push({ index: null, kind: 'malformed', message: `line ${lineNo}: entry lacks index or leaf` });
      continue;
    }
    const stored = typeof e.leafHash === 'string' ? new Uint8Array(Buffer.from(e.leafHash, 'base64')) : null;
    verifier.push(e.index as number, e.leaf, stored);
  }
  if (!verifier) return failed('the file is empty');
  const report = verifier.finish({ size: claimedSize });
  const problems = [...early, ...report.problems];
  return { ...report, organizationId, ok: problems.length === 0, problems };

  function failed(message: string) {
    return {
      ok: false,
      organizationId,
      treeSize: 0,
      rootHash: new Uint8Array(32),
      checkpointsVerified: 0,
      problems: [{ index: null, kind: 'format', message }],
    };
  }
}
