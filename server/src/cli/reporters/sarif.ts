// SARIF 2.1.0, for code-scanning services. Columns: SARIF counts them 1-based, and the run says
// which unit (`columnKind`): here Unicode code points, the same columns as the text and JSON
// output. Regions end exclusively (endColumn is the column just past the last character), as
// SARIF defines them. Notebook results use the line over the joined code cells, like the JSON,
// and carry the cell and the line within it in `properties`.
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { DEFAULT_SEVERITY } from '../../config';
import { DIAGNOSTIC_CODES, type Severity } from '../../engine/types';
import { helpUri, PROJECT_URL, SHORT_DESCRIPTIONS, TOOL_NAME } from '../rules';
import type { FileReport, Span } from '../types';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

export interface SarifContext {
  toolVersion: string;
  /** The directory display paths are relative to. */
  cwd: string;
}

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

export function toSarifLog(reports: readonly FileReport[], ctx: SarifContext): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = DIAGNOSTIC_CODES.map((code) => ({
    id: code,
    shortDescription: { text: SHORT_DESCRIPTIONS[code] },
    helpUri: helpUri(code),
    defaultConfiguration: { level: LEVEL[DEFAULT_SEVERITY[code]] },
  }));
  const ruleIndex = new Map<string, number>(DIAGNOSTIC_CODES.map((c, i) => [c, i]));

  const results: Sarif.Result[] = [];
  const notifications: Sarif.Notification[] = [];
  for (const r of reports) {
    const artifactLocation = artifact(r.path);
    if (r.error !== undefined || r.notAnalysed !== undefined) {
      notifications.push({
        level: r.error !== undefined ? 'error' : 'note',
        message: { text: `${r.path}: ${r.error ?? `not analysed: ${r.notAnalysed}`}` },
        locations: [{ physicalLocation: { artifactLocation } }],
      });
    }
    for (const d of r.diagnostics) {
      const result: Sarif.Result = {
        ruleId: d.code,
        ruleIndex: ruleIndex.get(d.code),
        level: LEVEL[d.severity],
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation, region: region(d) } }],
      };
      if (d.related.length > 0) {
        result.relatedLocations = d.related.map((rel, id) => ({
          id,
          message: { text: rel.message },
          physicalLocation: { artifactLocation, region: region(rel) },
        }));
      }
      const properties: Record<string, unknown> = {};
      if (d.severity === 'hint') properties.severity = 'hint';
      if (d.cell !== undefined) Object.assign(properties, { cell: d.cell, cellLine: d.cellLine });
      if (Object.keys(properties).length > 0) result.properties = properties;
      results.push(result);
    }
  }

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: TOOL_NAME,
        version: ctx.toolVersion,
        semanticVersion: ctx.toolVersion,
        informationUri: PROJECT_URL,
        rules,
      },
    },
    originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(ctx.cwd) } },
    columnKind: 'unicodeCodePoints',
    invocations: [
      {
        executionSuccessful: reports.every((r) => r.error === undefined),
        ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    results,
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

export function formatSarif(reports: readonly FileReport[], ctx: SarifContext): string {
  return JSON.stringify(toSarifLog(reports, ctx), null, 2) + '\n';
}

function region(s: Span): Sarif.Region {
  return { startLine: s.line, startColumn: s.column, endLine: s.endLine, endColumn: s.endColumn };
}

/** Display paths are relative to the current directory (%SRCROOT%) unless shown absolute. */
function artifact(displayPath: string): Sarif.ArtifactLocation {
  if (displayPath.startsWith('/') || /^[A-Za-z]:\//.test(displayPath)) return { uri: pathToFileURL(displayPath).href };
  return { uri: displayPath.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : href + '/';
}
