/**
 * Type-checks every TypeScript example of README.md / docs/*.md (``` ts and ```ts no-run blocks),
 * exactly as written, against the sources, with the project's compiler options (strict,
 * exactOptionalPropertyTypes, …; unused locals allowed in examples).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { extractExamples, ROOT } from './readme-examples.js';

describe('README examples type-check', () => {
  it('has no type errors', () => {
    const examples = extractExamples();
    const config = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (!config) throw new Error('cannot read tsconfig.json');
    const options: ts.CompilerOptions = {
      ...config.options,
      noEmit: true,
      noUnusedLocals: false,
      noUnusedParameters: false,
      moduleDetection: ts.ModuleDetectionKind.Force,
    };
    const program = ts.createProgram(
      examples.map((e) => e.file),
      options,
    );
    const byFile = new Map(examples.map((e) => [e.file, e]));
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && byFile.has(d.file.fileName))
      .map((d) => {
        const ex = byFile.get(d.file!.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        const [doc, at] = ex.where.split(':');
        // line 0 of the extracted file is the comment header; the code starts one line after the fence
        return `${doc}:${Number(at) + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    const other = ts.getPreEmitDiagnostics(program).filter((d) => !d.file || !byFile.has(d.file.fileName));
    expect(problems).toEqual([]);
    expect(other.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });
});
