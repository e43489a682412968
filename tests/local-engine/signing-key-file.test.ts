import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  InvalidSigningKeyFileError,
  isSigningKey,
  loadOrCreateSigningKey,
  SIGNING_KEY_FILE,
} from "../../inngest/local/signing-key-file";

const ROOT = path.resolve(import.meta.dirname, "../..");
const MODULE = path.join(ROOT, "inngest", "local", "signing-key-file.ts");
const posix = process.platform !== "win32";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "stepwise-signing-key-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("the embedded signing key file", () => {
  it("is made once, private, in Inngest's format, and reused afterwards", () => {
    const dir = path.join(tempDir(), "nested", "engine");
    const first = loadOrCreateSigningKey(dir);
    expect(first.created).toBe(true);
    expect(first.file).toBe(path.join(dir, SIGNING_KEY_FILE));
    expect(first.key).toMatch(/^signkey-prod-[0-9a-f]{64}$/);
    expect(readFileSync(first.file, "utf8")).toBe(`${first.key}\n`);
    if (posix) expect(modeOf(first.file)).toBe(0o600);

    const again = loadOrCreateSigningKey(dir);
    expect(again).toEqual({ key: first.key, file: first.file, created: false });
    // No temp file left behind by the atomic creation.
    expect(readdirSync(dir)).toEqual([SIGNING_KEY_FILE]);
    // Another directory, another key.
    expect(loadOrCreateSigningKey(tempDir()).key).not.toBe(first.key);
  });

  it("keeps a key someone put there (trimmed) and tightens a file others could read", () => {
    const dir = tempDir();
    const file = path.join(dir, SIGNING_KEY_FILE);
    const theirs = `signkey-test-${"ab12".repeat(16)}`;
    writeFileSync(file, `  ${theirs}\n\n`);
    chmodSync(file, 0o644);
    expect(loadOrCreateSigningKey(dir)).toEqual({ key: theirs, file, created: false });
    if (posix) expect(modeOf(file)).toBe(0o600);
  });

  it.each([
    ["empty", ""],
    ["blank", " \n"],
    ["not a key", "hunter2\n"],
    ["no hex after the prefix", "signkey-prod-not-hex-at-all\n"],
    ["too short", "signkey-prod-abcd\n"],
    ["two keys", `signkey-prod-${"a".repeat(64)}\nsignkey-prod-${"b".repeat(64)}\n`],
  ])("refuses a file that holds no key (%s), says how to fix it, and leaves it alone", (_what, text) => {
    const dir = tempDir();
    const file = path.join(dir, SIGNING_KEY_FILE);
    writeFileSync(file, text);
    let error: unknown;
    try {
      loadOrCreateSigningKey(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidSigningKeyFileError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/Delete it while the app is stopped/);
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("gives every one of several processes starting at once the same key", async () => {
    const dir = tempDir();
    // Each process waits for the same instant, then creates: the link either wins or reads the winner's key.
    const at = Date.now() + 4_000;
    const script = [
      `const { loadOrCreateSigningKey } = await import(${JSON.stringify(MODULE)});`,
      `while (Date.now() < ${at}) {}`,
      `const r = loadOrCreateSigningKey(${JSON.stringify(dir)});`,
      "process.stdout.write(JSON.stringify({ key: r.key, created: r.created }));",
    ].join("\n");
    const results = await Promise.all(
      Array.from({ length: 4 }, () => runModuleScript(script)).map(async (output) =>
        JSON.parse(await output),
      ),
    );
    const keys = new Set(results.map((r: { key: string }) => r.key));
    expect(keys.size).toBe(1);
    expect(results.filter((r: { created: boolean }) => r.created)).toHaveLength(1);
    expect(readFileSync(path.join(dir, SIGNING_KEY_FILE), "utf8").trim()).toBe([...keys][0]);
    expect(readdirSync(dir)).toEqual([SIGNING_KEY_FILE]);
  }, 60_000);

  it("recognises keys in Inngest's format only", () => {
    expect(isSigningKey(`signkey-prod-${"0f".repeat(32)}`)).toBe(true);
    expect(isSigningKey(`signkey-branch-${"0f".repeat(16)}`)).toBe(true);
    expect(isSigningKey(`signkey-prod-${"0f".repeat(32)}x`)).toBe(false);
    expect(isSigningKey(`${"0f".repeat(32)}`)).toBe(false);
  });
});

function runModuleScript(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}
