// Structured JSON logs, one object a line, on stdout.
import type { ServiceConfig } from './config';

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof levels;
export type Logger = Record<
  LogLevel,
  (message: string, fields?: Record<string, unknown>) => void
>;

export function createLogger(
  config: Pick<ServiceConfig, 'logLevel'>,
  write: (line: string) => void = line => process.stdout.write(`${line}\n`),
): Logger {
  const threshold = levels[config.logLevel] ?? levels.info;
  const log =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (levels[level] < threshold) return;
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level,
          message,
          ...fields,
        }),
      );
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
}
