// Syntax-checks code samples with the TypeScript compiler's parser (no type checking).
// Reads [{"id": ..., "kind": "ts"|"tsx"|"js"|"jsx", "text": ...}, ...] as JSON on stdin and
// writes [{"id": ..., "problems": [{"line": 1-based, "column": 1-based, "message": ...}]}] on stdout.
// manage.py check_samples runs it with NODE_PATH pointing at .tools/node/node_modules.
"use strict";
const ts = require("typescript");

const KINDS = { ts: ts.ScriptKind.TS, tsx: ts.ScriptKind.TSX, js: ts.ScriptKind.JS, jsx: ts.ScriptKind.JSX };

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(({ id, kind, text }) => {
    const file = ts.createSourceFile(`sample.${kind}`, text, ts.ScriptTarget.Latest, true, KINDS[kind]);
    const problems = (file.parseDiagnostics || []).map((d) => {
      const where = file.getLineAndCharacterOfPosition(d.start || 0);
      return { line: where.line + 1, column: where.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, " ") };
    });
    return { id, problems };
  });
  process.stdout.write(JSON.stringify({ version: ts.version, results: out }));
});
