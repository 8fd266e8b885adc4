/**
 * Structured JSON logs, one object per line, with secrets redacted twice: by field name
 * (authorization, card, cvc, secret…) and by value pattern (card numbers, secret keys,
 * client secrets, webhook tokens), so a careless call site cannot leak one.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SENSITIVE_KEY = /authorization|password|secret|token|cvc|cvv|card_?number|^number$|^pan$|api_?key|cookie/i;
const VALUE_PATTERNS: [RegExp, string][] = [
  [/\b(sk|rk)_(test|live)_[A-Za-z0-9]+/g, '$1_$2_[redacted]'],
  [/\b(cs_[A-Za-z0-9]+)_secret_[A-Za-z0-9_-]+/g, '$1_secret_[redacted]'],
  [/(\/(?:hooks\/[a-z]+|return)\/[A-Za-z0-9_]+\/)[A-Za-z0-9]+/g, '$1[redacted]'],
  // A merchant webhook signing secret.
  [/\bwhsec_[A-Za-z0-9]+/g, 'whsec_[redacted]'],
  // A hosted invoice's public id is the bearer credential of its page.
  [/\bpinv_[A-Za-z0-9]+/g, 'pinv_[redacted]'],
  [/(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])/g, '[redacted-pan]'],
];

/** Any of the patterns: one scan tells most strings (times, levels, paths) have nothing to redact. */
const ANY_PATTERN = new RegExp(VALUE_PATTERNS.map(([pattern]) => `(?:${pattern.source})`).join('|'));

export function redactString(value: string): string {
  if (!ANY_PATTERN.test(value)) return value;
  let out = value;
  for (const [pattern, replacement] of VALUE_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactString(value.message), stack: value.stack && redactString(value.stack) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SENSITIVE_KEY.test(key) ? '[redacted]' : redact(item, depth + 1);
  }
  return out;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: Level;
  /** Where lines go; stdout by default. Tests pass an array sink to read them back. */
  write?: (line: string) => void;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const base = options.base ?? {};
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const record = redact({ time: new Date().toISOString(), level, msg, ...base, ...fields });
    write(JSON.stringify(record));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** A logger that keeps its lines in memory, for tests that assert on what was logged. */
export function memoryLogger(level: Level = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level, write: (line) => lines.push(line) }), { lines });
}
