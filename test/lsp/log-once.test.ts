// Messages logged once per document: the record of what was logged stays bounded whatever the
// client sends (a flood of malformed notifications, each naming a new document, never closed).
import { expect, it } from 'vitest';
import { MAX_DOCUMENTS, OnceLog } from '../../server/src/lsp/log-once';

it('logs a message once per document, and forgets the document logged longest ago past the bound', () => {
  const logged: string[] = [];
  const log = new OnceLog({ error: (m) => logged.push(m), info: (m) => logged.push(m) });
  expect(log.error('a', 'k', 'first')).toBe(true);
  expect(log.error('a', 'k', 'again')).toBe(false);
  for (let i = 0; i < MAX_DOCUMENTS; i++) log.error(`doc${i}`, 'k', `doc${i}`);
  expect(logged).toHaveLength(1 + MAX_DOCUMENTS);
  // `a` was the oldest: forgotten, so its message is logged again; the newest is still known.
  expect(log.isNew('a', 'k')).toBe(true);
  expect(log.isNew(`doc${MAX_DOCUMENTS - 1}`, 'k')).toBe(false);
  expect((log as unknown as { seen: Map<string, unknown> }).seen.size).toBe(MAX_DOCUMENTS);
});
