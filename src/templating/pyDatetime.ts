/**
 * The parts of Python's `datetime` module that dbt templates use (`modules.datetime`,
 * `run_started_at`): enough to format and shift timestamps. Values are UTC, as dbt's
 * `run_started_at` is; `str()` of one reads as Python's does (`2024-01-31 12:00:00.123000+00:00`).
 */
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export class PyTimedelta {
  constructor(readonly ms: number) {}
  get days() {
    return Math.floor(this.ms / 86_400_000);
  }
  total_seconds() {
    return this.ms / 1000;
  }
}

export class PyDatetime {
  constructor(
    readonly date: Date,
    /** Python's tz-aware datetimes print their offset; naive ones do not. */
    readonly aware = true,
  ) {}
  get year() {
    return this.date.getUTCFullYear();
  }
  get month() {
    return this.date.getUTCMonth() + 1;
  }
  get day() {
    return this.date.getUTCDate();
  }
  get hour() {
    return this.date.getUTCHours();
  }
  get minute() {
    return this.date.getUTCMinutes();
  }
  get second() {
    return this.date.getUTCSeconds();
  }
  get microsecond() {
    return this.date.getUTCMilliseconds() * 1000;
  }
  strftime(format: string): string {
    const d = this.date;
    const codes: Record<string, () => string> = {
      Y: () => String(d.getUTCFullYear()),
      y: () => pad(d.getUTCFullYear() % 100),
      m: () => pad(d.getUTCMonth() + 1),
      d: () => pad(d.getUTCDate()),
      H: () => pad(d.getUTCHours()),
      I: () => pad(d.getUTCHours() % 12 || 12),
      p: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
      M: () => pad(d.getUTCMinutes()),
      S: () => pad(d.getUTCSeconds()),
      f: () => pad(d.getUTCMilliseconds() * 1000, 6),
      j: () =>
        pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3),
      a: () => DAY_NAMES[d.getUTCDay()].slice(0, 3),
      A: () => DAY_NAMES[d.getUTCDay()],
      b: () => MONTH_NAMES[d.getUTCMonth()].slice(0, 3),
      B: () => MONTH_NAMES[d.getUTCMonth()],
      z: () => (this.aware ? '+0000' : ''),
      Z: () => (this.aware ? 'UTC' : ''),
      '%': () => '%',
    };
    return format.replace(/%(.)/g, (all, code: string) => codes[code]?.() ?? all);
  }
  isoformat(sep = 'T'): string {
    return this.strftime(`%Y-%m-%d${sep}%H:%M:%S.%f`) + (this.aware ? '+00:00' : '');
  }
  timestamp() {
    return this.date.getTime() / 1000;
  }
  /** Every zone is shown as UTC: duckflow does not ship a time zone database to templates. */
  astimezone() {
    return this;
  }
  replace(fields: Record<string, number> = {}) {
    const d = this.date;
    return new PyDatetime(
      new Date(
        Date.UTC(
          fields.year ?? d.getUTCFullYear(),
          (fields.month ?? d.getUTCMonth() + 1) - 1,
          fields.day ?? d.getUTCDate(),
          fields.hour ?? d.getUTCHours(),
          fields.minute ?? d.getUTCMinutes(),
          fields.second ?? d.getUTCSeconds(),
          fields.microsecond === undefined ? d.getUTCMilliseconds() : fields.microsecond / 1000,
        ),
      ),
      this.aware,
    );
  }
  /** Python's `dt + timedelta` / `dt - timedelta`, spelled as methods since Jinja here has no operators on objects. */
  add(delta: PyTimedelta) {
    return new PyDatetime(new Date(this.date.getTime() + delta.ms), this.aware);
  }
  subtract(delta: PyTimedelta) {
    return new PyDatetime(new Date(this.date.getTime() - delta.ms), this.aware);
  }
  date_() {
    return this.strftime('%Y-%m-%d');
  }
  toString() {
    return this.isoformat(' ');
  }
}

/** Keyword arguments arrive as a trailing object tagged `__keywords`. */
const keywords = (args: unknown[]) => {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  return last && typeof last === 'object' && '__keywords' in last
    ? (last as Record<string, number>)
    : {};
};

export const datetimeModule = {
  datetime: {
    now: () => new PyDatetime(new Date(), false),
    utcnow: () => new PyDatetime(new Date(), false),
    today: () => new PyDatetime(new Date(), false),
    fromisoformat: (s: string) => new PyDatetime(new Date(/[zZ+]/.test(s.slice(10)) ? s : `${s}Z`)),
    strptime: (s: string) => new PyDatetime(new Date(`${s.replace(' ', 'T')}Z`), false),
  },
  date: {
    today: () => new PyDatetime(new Date(new Date().toISOString().slice(0, 10)), false),
  },
  timedelta: (...args: unknown[]) => {
    const k = keywords(args);
    const days = Number(args[0] === k ? 0 : (args[0] ?? 0)) + (k.days ?? 0) + 7 * (k.weeks ?? 0);
    const ms =
      days * 86_400_000 +
      (k.hours ?? 0) * 3_600_000 +
      (k.minutes ?? 0) * 60_000 +
      (k.seconds ?? 0) * 1000 +
      (k.milliseconds ?? 0);
    return new PyTimedelta(ms);
  },
  timezone: { utc: 'UTC' },
};

export const pytzModule = { utc: 'UTC', timezone: (name: string) => name };
