/**
 * Deterministic generator of synthetic webshop events, in the shape of the shop's real export:
 *
 *   {"id": 371939, "type": "page_view", "event": {"user-agent": "...", "ip": "24.49.160.149",
 *    "customer-id": null, "timestamp": "2022-05-25T05:44:03.648681", "page": "https://..."}}
 *
 * One JSON record per line (NDJSON, optionally gzipped) or a Parquet file with the columns
 * `id BIGINT, type VARCHAR, event VARCHAR` (the event object as JSON text).
 *
 * Usage: npx tsx scripts/generate-events.ts --events 150000 --seed 42 --out seeds/raw_events.ndjson.gz
 *
 * How the data is simulated (see docs/webshop-project.md for the reasoning):
 * - Visitors arrive over the simulated period (a Poisson process with a daily rhythm). A visitor
 *   is anonymous for good, anonymous until they sign up (sign_up_success, then logged in with a
 *   new customer id), or a registered customer who is logged in from the start.
 * - Customers come back in bursts: sessions hours apart inside a burst, bursts days to weeks
 *   apart. Inside a session, events are seconds to minutes apart (log-normal), with the rare
 *   long pause. Sessions start at any hour, so some cross midnight.
 * - The first page view of a session carries an external referrer (search engine, social
 *   network, e-mail client, partner or referral site) when the session came from one; the
 *   channel changes the session's length, its pace and its chance of ending in a purchase.
 * - The chance that a session contains a purchase grows with the customer's number of visits.
 * - The file is messy the way real exports are: ~0.5% of rows arrive late (out of order),
 *   ~0.1% exact duplicates (same id, same content), ~0.02% conflicting duplicates (same id,
 *   different content), ~0.05% malformed records (truncated JSON, missing or invalid timestamp,
 *   unknown type, non-numeric customer id) and a few upper-case event types.
 *
 * The generator streams: it keeps only the visitors currently active (a heap ordered by their
 * next event time), never the events. Same options, same seed: byte-identical output.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { gzip } from 'node:zlib';

export interface GenerateEventsOptions {
  /** Number of records (lines) to write, duplicates and malformed records included. */
  events: number;
  /** PRNG seed: the same seed and options give the same file. */
  seed: number;
  /** Output path: `.ndjson.gz`, `.ndjson` / `.jsonl` or `.parquet`. */
  out: string;
  /** First day of the simulated period, UTC (default 2022-04-04). */
  start?: string;
  /** Nominal length of the period in days (default 56): arrivals are scaled to fill it. */
  days?: number;
  /** gzip level for `.gz` output (default 6). */
  gzipLevel?: number;
  /** Called every ~1M records with the number written so far. */
  onProgress?: (written: number) => void;
}

export interface GenerateEventsStats {
  records: number;
  bytes: number;
  seconds: number;
  recordsPerSecond: number;
  visitors: number;
  customers: number;
  firstTimestamp: string;
  lastTimestamp: string;
  lateRows: number;
  exactDuplicates: number;
  conflictingDuplicates: number;
  malformed: number;
  upperCaseTypes: number;
}

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/** mulberry32: small, fast, good enough for simulation; deterministic across platforms. */
function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Index drawn from cumulative weights (last element = total). */
  weighted(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1]!;
    let i = 0;
    while (cumulative[i]! <= x) i++;
    return i;
  }
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
  /** Number of extra trials before stopping, mean `mean` (geometric on 0, 1, 2, ...). */
  geometric(mean: number): number {
    const p = 1 / (1 + mean);
    return Math.floor(Math.log(1 - this.next()) / Math.log(1 - p));
  }
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

function cumulate(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

// ---------------------------------------------------------------------------------------------
// The shop
// ---------------------------------------------------------------------------------------------

const SHOP = 'https://xcc-webshop.com';

const TYPE_NAMES = [
  'page_view',
  'add_product_to_cart',
  'remove_product_from_cart',
  'sign_up_success',
  'visit_related_product',
  'visit_recently_visited_product',
  'visit_personal_recommendation',
  'search',
  'placed_order',
] as const;
const PAGE_VIEW = 0;
const ADD_TO_CART = 1;
const REMOVE_FROM_CART = 2;
const SIGN_UP = 3;
const VISIT_RELATED = 4;
const VISIT_RECENT = 5;
const VISIT_RECOMMENDATION = 6;
const SEARCH = 7;
const PLACED_ORDER = 8;
const TYPE_UPPER = TYPE_NAMES.map((t) => t.toUpperCase());

/** The shop's six products (ids are case-sensitive: 'A' and 'a' are different products). */
const PRODUCTS = ['A', 'Y', 'O', 'I', 'M', 'a'] as const;
const PRODUCT_POPULARITY = cumulate([28, 20, 16, 14, 12, 10]);
const CATEGORY_COUNT = 24;

// Channels: how the session reached the shop. The per-channel tables below are indexed
// 0 direct, 1 search, 2 social, 3 email, 4 partner, 5 referral.
const DIRECT = 0;

/** Referrer URLs by channel, with relative weights. Every host is in seeds/referrer_channels.csv. */
const REFERRERS: readonly (readonly [url: string, weight: number])[][] = [
  [],
  [
    ['https://google.com', 30],
    ['https://www.google.com/', 30],
    ['https://www.bing.com/', 12],
    ['https://duckduckgo.com/', 8],
    ['https://search.yahoo.com/', 5],
    ['https://www.ecosia.org/', 4],
  ],
  [
    ['https://www.facebook.com/', 12],
    ['https://l.facebook.com/', 10],
    ['https://www.instagram.com/', 10],
    ['https://l.instagram.com/', 6],
    ['https://t.co/', 6],
    ['https://www.pinterest.com/', 6],
    ['https://www.reddit.com/r/BuyItForLife/', 5],
    ['https://www.tiktok.com/', 7],
  ],
  [
    ['https://mail.google.com/', 12],
    ['https://outlook.live.com/', 6],
    ['https://mail.yahoo.com/', 3],
    ['https://click.newsletter.xcc-webshop.com/c/weekly', 14],
  ],
  [
    ['https://couponfox.com/xcc-webshop', 10],
    ['https://dealsdaily.net/', 7],
    ['https://pricecompare.io/offers', 8],
    ['https://techreview-hub.com/best-of-2022', 5],
  ],
  [
    ['https://news.ycombinator.com/', 3],
    ['https://medium.com/', 5],
    ['https://gadget-forum.org/threads/', 4],
    ['https://en.wikipedia.org/', 2],
  ],
];
const REFERRER_URLS = REFERRERS.map((list) => list.map(([url]) => url));
const REFERRER_WEIGHTS = REFERRERS.map((list) => cumulate(list.map(([, w]) => w)));

/** Channel of a visitor's first session, and of a returning customer's sessions. */
const FIRST_SESSION_CHANNEL = cumulate([30, 32, 16, 0, 12, 10]);
const RETURNING_CHANNEL = cumulate([50, 18, 8, 16, 5, 3]);
/** Per channel: browsing steps (mean), bounce probability, pace (median seconds between events), purchase multiplier. */
const CHANNEL_STEPS = [7, 9, 3.5, 10, 5, 6];
const CHANNEL_BOUNCE = [0.18, 0.22, 0.45, 0.12, 0.3, 0.35];
const CHANNEL_PACE_SECONDS = [35, 40, 18, 45, 28, 30];
const CHANNEL_PURCHASE = [1.0, 1.15, 0.35, 1.7, 1.5, 0.6];
/** Landing page by channel: [home, category, product] weights. */
const CHANNEL_LANDING = [
  cumulate([45, 35, 20]),
  cumulate([15, 40, 45]),
  cumulate([10, 30, 60]),
  cumulate([25, 35, 40]),
  cumulate([5, 25, 70]),
  cumulate([15, 35, 50]),
];
/** Purchase probability multiplier by the customer's session number (1, 2, ... 7+). */
const VISIT_PURCHASE = [0, 0.3, 0.75, 1.25, 1.6, 1.9, 2.1, 2.2];
const BASE_PURCHASE = 0.12;

// Devices: user agents by device class (0 desktop, 1 mobile, 2 tablet), with relative weights.
const USER_AGENTS: readonly (readonly (readonly [userAgent: string, weight: number])[])[] = [
  [
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/101.0.4951.67 Safari/537.36',
      30,
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/100.0.4896.127 Safari/537.36',
      12,
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/101.0.4951.64 Safari/537.36',
      12,
    ],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:100.0) Gecko/20100101 Firefox/100.0', 8],
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:100.0) Gecko/20100101 Firefox/100.0', 3],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.4 Safari/605.1.15',
      10,
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/101.0.4951.64 Safari/537.36 Edg/101.0.1210.53',
      12,
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/100.0.4896.127 Safari/537.36 OPR/86.0.4363.59',
      3,
    ],
    ['Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)', 2],
    ['Opera/9.80 (X11; Linux x86_64; U; en) Presto/2.9.168 Version/11.50', 1],
  ],
  [
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 15_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.4 Mobile/15E148 Safari/604.1',
      22,
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 15_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.5 Mobile/15E148 Safari/604.1',
      14,
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 15_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/101.0.4951.58 Mobile/15E148 Safari/604.1',
      6,
    ],
    [
      'Mozilla/5.0 (Linux; Android 12; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/101.0.4951.61 Mobile Safari/537.36',
      20,
    ],
    [
      'Mozilla/5.0 (Linux; Android 12; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/101.0.4951.61 Mobile Safari/537.36',
      10,
    ],
    [
      'Mozilla/5.0 (Linux; Android 12; SM-A525F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/17.0 Chrome/96.0.4664.104 Mobile Safari/537.36',
      8,
    ],
    ['Mozilla/5.0 (Android 12; Mobile; rv:100.0) Gecko/100.0 Firefox/100.0', 3],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 15_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 232.0.0.16.114 (iPhone13,2; iOS 15_4; en_US; en-US; scale=3.00; 1170x2532; 366458478)',
      6,
    ],
  ],
  [
    [
      'Mozilla/5.0 (iPad; CPU OS 15_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.4 Mobile/15E148 Safari/604.1',
      70,
    ],
    [
      'Mozilla/5.0 (Linux; Android 11; SM-T870) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/101.0.4951.61 Safari/537.36',
      30,
    ],
  ],
];
const USER_AGENT_STRINGS = USER_AGENTS.map((list) => list.map(([ua]) => ua));
const USER_AGENT_WEIGHTS = USER_AGENTS.map((list) => cumulate(list.map(([, w]) => w)));
const DEVICE_CLASS = cumulate([45, 45, 10]);
const DEVICE_PACE = [1, 0.85, 1.1];
const DEVICE_STEPS = [1, 0.8, 1.05];

const QUERY_WORDS_A = [
  'wireless',
  'portable',
  'smart',
  'ergonomic',
  'compact',
  'premium',
  'budget',
  'waterproof',
  'vintage',
  'organic',
  'foldable',
  'rechargeable',
  'stainless',
  'bamboo',
  'noise cancelling',
  'minimalist',
  'heavy duty',
  'travel',
  'kids',
  'leather',
];
const QUERY_WORDS_B = [
  'headphones',
  'speaker',
  'charger',
  'backpack',
  'desk lamp',
  'keyboard',
  'mug',
  'watch',
  'camera bag',
  'water bottle',
  'phone case',
  'blender',
  'yoga mat',
  'sneakers',
  'jacket',
  'notebook',
  'sunglasses',
  'coffee grinder',
  'power bank',
  'mouse',
];
const QUERY_WORDS_C = ['', '', '', '', ' sale', ' black', ' 2022', ' gift', ' cheap', ' review'];

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const US_PER_SECOND = 1_000_000;
const US_PER_MINUTE = 60 * US_PER_SECOND;
const US_PER_HOUR = 60 * US_PER_MINUTE;
const US_PER_DAY = 24 * US_PER_HOUR;
const PAD2 = Array.from({ length: 60 }, (_, i) => (i < 10 ? '0' : '') + i);

let cachedDay = Number.NaN;
let cachedDayPrefix = '';
/** Epoch microseconds → "2022-05-25T05:44:03.648681" (UTC, no zone, always 6 decimals). */
function formatTimestamp(us: number): string {
  const day = Math.floor(us / US_PER_DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
  }
  let rest = us - day * US_PER_DAY;
  const h = Math.floor(rest / US_PER_HOUR);
  rest -= h * US_PER_HOUR;
  const m = Math.floor(rest / US_PER_MINUTE);
  rest -= m * US_PER_MINUTE;
  const s = Math.floor(rest / US_PER_SECOND);
  const micros = rest - s * US_PER_SECOND;
  return `${cachedDayPrefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${String(1_000_000 + micros).slice(1)}`;
}

/** Node's Buffer has a fast, undocumented-in-types latin1Write(text, offset): bytes written. */
type FastBuffer = Buffer & { latin1Write(text: string, offset: number): number };
const allocateChunk = (bytes: number): FastBuffer => Buffer.allocUnsafe(bytes) as FastBuffer;

const BYTES_ID = Buffer.from('{"id": ', 'latin1');
const BYTES_NULL = Buffer.from('null', 'latin1');
const BYTES_TIMESTAMP = Buffer.from(', "timestamp": "', 'latin1');

let cachedBytesDay = Number.NaN;
let cachedDayBytes = Buffer.alloc(11);

/** Writes a non-negative integer's decimal digits at `p`; returns the new position. */
function writeDigits(buffer: FastBuffer, p: number, n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  const end = p + digits;
  for (let x = n, i = end - 1; i >= p; i--) {
    const q = Math.floor(x / 10);
    buffer[i] = 48 + x - q * 10;
    x = q;
  }
  return end;
}

function writeTwo(buffer: FastBuffer, p: number, n: number): void {
  const tens = (n / 10) | 0;
  buffer[p] = 48 + tens;
  buffer[p + 1] = 48 + n - tens * 10;
}

/** Same text as formatTimestamp, written into the buffer; returns the new position. */
function writeTimestamp(buffer: FastBuffer, p: number, us: number): number {
  const day = Math.floor(us / US_PER_DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
  }
  if (day !== cachedBytesDay) {
    cachedBytesDay = day;
    cachedDayBytes = Buffer.from(cachedDayPrefix, 'latin1');
  }
  buffer.set(cachedDayBytes, p);
  p += 11;
  let rest = us - day * US_PER_DAY;
  const h = Math.floor(rest / US_PER_HOUR);
  rest -= h * US_PER_HOUR;
  const m = Math.floor(rest / US_PER_MINUTE);
  rest -= m * US_PER_MINUTE;
  const s = Math.floor(rest / US_PER_SECOND);
  let micros = rest - s * US_PER_SECOND;
  writeTwo(buffer, p, h);
  buffer[p + 2] = 58; // :
  writeTwo(buffer, p + 3, m);
  buffer[p + 5] = 58;
  writeTwo(buffer, p + 6, s);
  buffer[p + 8] = 46; // .
  for (let i = p + 14; i > p + 8; i--) {
    const q = Math.floor(micros / 10);
    buffer[i] = 48 + micros - q * 10;
    micros = q;
  }
  return p + 15;
}

function hourOfDay(us: number): number {
  return Math.floor((us % US_PER_DAY) / US_PER_HOUR);
}

/** Relative traffic by UTC hour (a European shop: quiet nights, busy evenings). */
const HOURLY_TRAFFIC = [
  0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.9, 0.85, 0.85, 0.9, 1.0,
  1.1, 1.2, 1.25, 1.1, 0.8, 0.5,
];
const MAX_HOURLY_TRAFFIC = Math.max(...HOURLY_TRAFFIC);

function randomIp(rng: Random): string {
  return `${rng.int(2, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

// ---------------------------------------------------------------------------------------------
// Visitors
// ---------------------------------------------------------------------------------------------

const ANONYMOUS = 0;
const SIGNS_UP = 1;
const REGISTERED = 2;
const VISITOR_KIND = cumulate([86, 5, 9]);

interface Visitor {
  kind: number;
  /** Current customer id, 0 while anonymous. */
  customerId: number;
  devices: { ua: string; ip: string; deviceClass: number }[];
  favoriteProduct: number;
  /** Anonymous sessions left before the sign-up session (SIGNS_UP only). */
  sessionsBeforeSignUp: number;
  loggedInSessions: number;
  purchases: number;
  burstsLeft: number;
  sessionsLeftInBurst: number;
  viewedProducts: number; // bit mask over PRODUCTS
  // The session being played: steps with their delay after the previous step.
  types: number[];
  tails: string[];
  delaysUs: number[];
  step: number;
  ua: string;
  ip: string;
  /** `", "event": {"user-agent": ..., "ip": ..., "customer-id": ` for the current session. */
  eventPrefix: string;
  /** Per event type, `, "type": "<type>` + eventPrefix, built on first use in the session. */
  typeHeads: (string | undefined)[];
}

/** The simulation of visitors; `planSession` and `scheduleNextSession` are pure of I/O. */
class Shop {
  constructor(readonly rng: Random) {}

  newVisitor(): Visitor {
    const rng = this.rng;
    const kind = rng.weighted(VISITOR_KIND);
    const deviceCount =
      kind === ANONYMOUS ? 1 : 1 + (rng.chance(0.35) ? 1 : 0) + (rng.chance(0.08) ? 1 : 0);
    const devices = [];
    for (let i = 0; i < deviceCount; i++) {
      const deviceClass = rng.weighted(DEVICE_CLASS);
      const ua = USER_AGENT_STRINGS[deviceClass]![rng.weighted(USER_AGENT_WEIGHTS[deviceClass]!)]!;
      devices.push({ ua, ip: randomIp(rng), deviceClass });
    }
    const v: Visitor = {
      kind,
      customerId: 0,
      devices,
      favoriteProduct: rng.weighted(PRODUCT_POPULARITY),
      sessionsBeforeSignUp:
        kind === SIGNS_UP ? (rng.chance(0.6) ? 0 : rng.chance(0.75) ? 1 : 2) : 0,
      loggedInSessions: 0,
      purchases: 0,
      burstsLeft: kind === ANONYMOUS ? (rng.chance(0.25) ? 1 : 0) : 1 + rng.geometric(2.2),
      sessionsLeftInBurst: kind === ANONYMOUS ? rng.geometric(0.4) : rng.geometric(1.3),
      viewedProducts: 0,
      types: [],
      tails: [],
      delaysUs: [],
      step: 0,
      ua: '',
      ip: '',
      eventPrefix: '',
      typeHeads: [],
    };
    return v;
  }

  private productPage(v: Visitor, product: number): string {
    v.viewedProducts |= 1 << product;
    return `, "page": "${SHOP}/products/${PRODUCTS[product]}"`;
  }

  private pickProduct(v: Visitor): number {
    return this.rng.chance(0.35) ? v.favoriteProduct : this.rng.weighted(PRODUCT_POPULARITY);
  }

  /** Plans the steps of the visitor's next session into v.types / v.tails / v.delaysUs. */
  planSession(v: Visitor, isFirstSession: boolean): void {
    const rng = this.rng;
    const types = v.types;
    const tails = v.tails;
    const delays = v.delaysUs;
    types.length = 0;
    tails.length = 0;
    delays.length = 0;
    v.step = 0;

    const device = v.devices.length === 1 || rng.chance(0.7) ? v.devices[0]! : rng.pick(v.devices);
    v.ua = device.ua;
    // Phones change IP address between sessions now and then.
    if (device.deviceClass === 1 && rng.chance(0.3)) device.ip = randomIp(rng);
    v.ip = device.ip;
    v.eventPrefix = `", "event": {"user-agent": "${v.ua}", "ip": "${v.ip}", "customer-id": `;
    v.typeHeads = [];

    const signsUpNow = v.kind === SIGNS_UP && v.customerId === 0 && v.sessionsBeforeSignUp === 0;
    if (v.kind === SIGNS_UP && v.customerId === 0 && !signsUpNow) v.sessionsBeforeSignUp--;
    let loggedIn = v.customerId !== 0;
    const channel = rng.weighted(
      isFirstSession || (!loggedIn && !signsUpNow) ? FIRST_SESSION_CHANNEL : RETURNING_CHANNEL,
    );

    // Will this session contain a purchase? Only customers can buy (anonymous visitors sign up first).
    let buys = false;
    if (loggedIn || signsUpNow) {
      const visit = Math.min(v.loggedInSessions + 1, VISIT_PURCHASE.length - 1);
      let p = BASE_PURCHASE * CHANNEL_PURCHASE[channel]! * VISIT_PURCHASE[visit]!;
      if (signsUpNow) p = 0.2 * CHANNEL_PURCHASE[channel]!;
      if (v.purchases > 0) p *= 0.6;
      buys = rng.chance(Math.min(p, 0.9));
    }

    const pace =
      CHANNEL_PACE_SECONDS[channel]! * DEVICE_PACE[device.deviceClass]! * rng.logNormal(1, 0.3);
    const bounce = !buys && !signsUpNow && rng.chance(CHANNEL_BOUNCE[channel]!);
    let browseSteps = bounce
      ? 0
      : 1 + Math.round(rng.geometric(CHANNEL_STEPS[channel]! * DEVICE_STEPS[device.deviceClass]!));
    if (browseSteps > 80) browseSteps = 80;

    const push = (type: number, tail: string, paceFactor: number): void => {
      types.push(type);
      tails.push(tail);
      if (delays.length === 0) {
        delays.push(0);
        return;
      }
      // Seconds to minutes between events; now and then a long pause (a call, a coffee).
      let d = rng.logNormal(pace * paceFactor, 0.9) * US_PER_SECOND;
      if (d > 28 * US_PER_MINUTE) d = 28 * US_PER_MINUTE * rng.next();
      if (rng.chance(0.006)) d = (15 + 30 * rng.next()) * US_PER_MINUTE;
      delays.push(Math.max(1, Math.round(d)));
    };

    // Landing page, with the external referrer if the session came from one.
    const referrer =
      channel === DIRECT
        ? ''
        : `, "referrer": "${REFERRER_URLS[channel]![rng.weighted(REFERRER_WEIGHTS[channel]!)]}"`;
    const landing = rng.weighted(CHANNEL_LANDING[channel]!);
    let lastProduct = -1;
    const cart: number[] = [];
    if (landing === 0) push(PAGE_VIEW, `, "page": "${SHOP}"${referrer}`, 1);
    else if (landing === 1)
      push(PAGE_VIEW, `, "page": "${SHOP}/category/${rng.int(1, CATEGORY_COUNT)}"${referrer}`, 1);
    else {
      lastProduct = this.pickProduct(v);
      push(PAGE_VIEW, this.productPage(v, lastProduct) + referrer, 1);
    }

    const signUpAt = signsUpNow ? rng.int(0, browseSteps) : -1;
    for (let i = 0; i < browseSteps; i++) {
      if (i === signUpAt) {
        push(PAGE_VIEW, `, "page": "${SHOP}/signup"`, 1);
        push(SIGN_UP, '', 2.5);
        loggedIn = true;
      }
      const x = rng.next();
      if (x < 0.3) {
        push(PAGE_VIEW, `, "page": "${SHOP}/category/${rng.int(1, CATEGORY_COUNT)}"`, 1);
      } else if (x < 0.53) {
        lastProduct = this.pickProduct(v);
        push(PAGE_VIEW, this.productPage(v, lastProduct), 1.2);
      } else if (x < 0.57) {
        push(PAGE_VIEW, `, "page": "${SHOP}${cart.length > 0 ? '/cart' : ''}"`, 0.8);
      } else if (x < 0.77) {
        const q = rng.pick(QUERY_WORDS_A) + ' ' + rng.pick(QUERY_WORDS_B) + rng.pick(QUERY_WORDS_C);
        push(SEARCH, `, "query": "${q}"`, 0.7);
      } else if (x < 0.88) {
        // Product widgets: related products, recently visited, personal recommendations.
        let type = VISIT_RELATED;
        if (loggedIn && rng.chance(0.4)) type = VISIT_RECOMMENDATION;
        else if (v.viewedProducts !== 0 && (lastProduct < 0 || rng.chance(0.3)))
          type = VISIT_RECENT;
        let product = rng.weighted(PRODUCT_POPULARITY);
        if (type === VISIT_RECENT) {
          while ((v.viewedProducts & (1 << product)) === 0)
            product = (product + 1) % PRODUCTS.length;
        }
        push(type, `, "product": "${PRODUCTS[product]}", "position": ${rng.int(0, 6)}`, 0.8);
        if (rng.chance(0.75)) {
          lastProduct = product;
          push(PAGE_VIEW, this.productPage(v, product), 0.3);
        }
      } else if (x < 0.955 || cart.length === 0) {
        const product = lastProduct >= 0 ? lastProduct : this.pickProduct(v);
        push(ADD_TO_CART, `, "product": "${PRODUCTS[product]}"`, 0.8);
        cart.push(product);
      } else {
        const product = cart.splice(rng.int(0, cart.length - 1), 1)[0]!;
        push(REMOVE_FROM_CART, `, "product": "${PRODUCTS[product]}"`, 0.6);
      }
    }
    if (signUpAt === browseSteps) {
      push(PAGE_VIEW, `, "page": "${SHOP}/signup"`, 1);
      push(SIGN_UP, '', 2.5);
    }

    if (buys) {
      if (cart.length === 0) {
        const product = lastProduct >= 0 ? lastProduct : this.pickProduct(v);
        if (lastProduct !== product) push(PAGE_VIEW, this.productPage(v, product), 1.2);
        push(ADD_TO_CART, `, "product": "${PRODUCTS[product]}"`, 0.8);
        if (rng.chance(0.3))
          push(ADD_TO_CART, `, "product": "${PRODUCTS[this.pickProduct(v)]}"`, 1);
      }
      push(PAGE_VIEW, `, "page": "${SHOP}/cart"`, 0.8);
      push(PAGE_VIEW, `, "page": "${SHOP}/checkout"`, 1);
      push(PLACED_ORDER, '', 3);
      if (rng.chance(0.4)) push(PAGE_VIEW, `, "page": "${SHOP}"`, 1);
    }
  }

  /**
   * Called when a session is over: returns the start of the visitor's next session, or -1 when
   * the visitor does not come back. Updates the visitor's counters.
   */
  scheduleNextSession(
    v: Visitor,
    lastEventUs: number,
    hadPurchase: boolean,
    wasLoggedIn: boolean,
  ): number {
    const rng = this.rng;
    if (wasLoggedIn) v.loggedInSessions++;
    if (hadPurchase) v.purchases++;
    let gapUs: number;
    if (v.sessionsLeftInBurst > 0) {
      v.sessionsLeftInBurst--;
      // Same burst: back later the same day or the next (31 minutes to ~a day).
      gapUs = (31 + rng.exponential(5 * 60)) * US_PER_MINUTE;
    } else {
      if (v.burstsLeft <= 0) return -1;
      v.burstsLeft--;
      if (hadPurchase && rng.chance(0.4)) return -1;
      v.sessionsLeftInBurst = rng.geometric(1.3);
      // A new burst: days to weeks later.
      gapUs = (1 + rng.exponential(7)) * US_PER_DAY;
    }
    let start = lastEventUs + gapUs;
    // Shift the start into waking hours with the shop's hourly traffic profile.
    for (let tries = 0; tries < 8; tries++) {
      if (rng.next() * MAX_HOURLY_TRAFFIC < HOURLY_TRAFFIC[hourOfDay(start)]!) break;
      start += rng.next() * 3 * US_PER_HOUR;
    }
    return Math.round(start);
  }
}

// ---------------------------------------------------------------------------------------------
// Min-heap of (time, slot)
// ---------------------------------------------------------------------------------------------

class TimeHeap {
  private times = new Float64Array(1024);
  private slots = new Int32Array(1024);
  size = 0;

  push(time: number, slot: number): void {
    if (this.size === this.times.length) {
      const times = new Float64Array(this.size * 2);
      times.set(this.times);
      this.times = times;
      const slots = new Int32Array(this.size * 2);
      slots.set(this.slots);
      this.slots = slots;
    }
    let i = this.size++;
    const times = this.times;
    const slots = this.slots;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && slots[parent]! < slot)) break;
      times[i] = pt;
      slots[i] = slots[parent]!;
      i = parent;
    }
    times[i] = time;
    slots[i] = slot;
  }

  topTime(): number {
    return this.times[0]!;
  }
  topSlot(): number {
    return this.slots[0]!;
  }

  pop(): void {
    const times = this.times;
    const slots = this.slots;
    const n = --this.size;
    if (n === 0) return;
    const time = times[n]!;
    const slot = slots[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        (times[right]! < times[child]! ||
          (times[right] === times[child] && slots[right]! < slots[child]!))
      )
        child = right;
      const ct = times[child]!;
      if (time < ct || (time === ct && slot < slots[child]!)) break;
      times[i] = ct;
      slots[i] = slots[child]!;
      i = child;
    }
    times[i] = time;
    slots[i] = slot;
  }
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

const CHUNK_BYTES = 1 << 20;
const gzipAsync = promisify(gzip);

/** gzip members compressed at the same time on libuv's thread pool. */
const GZIP_MEMBERS_IN_FLIGHT = 4;

/**
 * Buffered line writer over a file, optionally gzipped. Lines are encoded straight into 1 MB
 * buffers. Without gzip a full buffer goes to the file stream. With gzip each full buffer is
 * compressed on its own, on the thread pool (zlib.gzip), as one gzip member; members are written
 * in order, and a multi-member gzip file is a valid gzip file (gunzip, zlib, DuckDB read it as one
 * stream). Several members compress in parallel with the generation. `line` and `event` return a
 * promise only when the writer wants the caller to wait (backpressure).
 */
class LineWriter {
  private buffer = allocateChunk(CHUNK_BYTES);
  private position = 0;
  private readonly fileStream: WriteStream;
  private readonly members: Promise<Buffer>[] = [];
  private failed: Error | null = null;

  constructor(
    file: string,
    private readonly gzipLevel: number | null,
  ) {
    this.fileStream = createWriteStream(file, { highWaterMark: 8 * CHUNK_BYTES });
    this.fileStream.on('error', (err: Error) => {
      this.failed ??= err;
    });
  }

  /** Writes one line (ASCII text: every string the generator emits is ASCII). */
  line(text: string): Promise<void> | undefined {
    const pending = this.position + text.length + 1 > CHUNK_BYTES ? this.flush() : undefined;
    this.position += this.buffer.latin1Write(text, this.position);
    this.buffer[this.position++] = 10;
    return pending;
  }

  /**
   * Writes one well-formed record without building its string (typeHead: see Visitor.typeHeads):
   * {"id": ID, "type": "TYPE", "event": {"user-agent": .., "ip": .., "customer-id": C, "timestamp": "TS"TAIL}}
   */
  event(
    id: number,
    typeHead: string,
    customerId: number,
    timeUs: number,
    tail: string,
  ): Promise<void> | undefined {
    // 128 bytes cover the rest: id and customer id (<= 16 digits each), the timestamp, punctuation.
    const pending =
      this.position + 128 + typeHead.length + tail.length > CHUNK_BYTES ? this.flush() : undefined;
    const buffer = this.buffer;
    let p = this.position;
    buffer.set(BYTES_ID, p);
    p = writeDigits(buffer, p + BYTES_ID.length, id);
    p += buffer.latin1Write(typeHead, p);
    if (customerId === 0) {
      buffer.set(BYTES_NULL, p);
      p += BYTES_NULL.length;
    } else p = writeDigits(buffer, p, customerId);
    buffer.set(BYTES_TIMESTAMP, p);
    p = writeTimestamp(buffer, p + BYTES_TIMESTAMP.length, timeUs);
    buffer[p++] = 34; // "
    if (tail.length > 0) p += buffer.latin1Write(tail, p);
    buffer[p++] = 125; // }
    buffer[p++] = 125;
    buffer[p++] = 10; // \n
    this.position = p;
    return pending;
  }

  private flush(): Promise<void> | undefined {
    if (this.failed) throw this.failed;
    if (this.position === 0) return undefined;
    const full = this.buffer.subarray(0, this.position);
    this.buffer = allocateChunk(CHUNK_BYTES);
    this.position = 0;
    if (this.gzipLevel === null) return this.writeToFile(full);
    // One deflate call per member: an output buffer as large as the input avoids round trips.
    const member = gzipAsync(full, { level: this.gzipLevel, chunkSize: 2 * CHUNK_BYTES });
    member.catch(() => undefined); // awaited in order below; avoid an early unhandled rejection
    this.members.push(member);
    if (this.members.length >= GZIP_MEMBERS_IN_FLIGHT) return this.writeOldestMember();
    return undefined;
  }

  private async writeOldestMember(): Promise<void> {
    const member = await this.members.shift()!;
    await this.writeToFile(member);
  }

  private writeToFile(chunk: Buffer): Promise<void> | undefined {
    if (this.failed) throw this.failed;
    if (!this.fileStream.write(chunk)) return once(this.fileStream, 'drain').then(() => undefined);
    return undefined;
  }

  async close(): Promise<void> {
    await this.flush();
    while (this.members.length > 0) await this.writeOldestMember();
    const closed = once(this.fileStream, 'close');
    this.fileStream.end();
    await closed;
    if (this.failed) throw this.failed;
  }
}

/** Records held back to be written later: late rows and duplicates. Ordered by release position. */
class DelayBuffer {
  private items: { at: number; line: string }[] = [];
  get size(): number {
    return this.items.length;
  }
  add(at: number, line: string): void {
    const items = this.items;
    let i = items.length;
    items.push({ at, line });
    while (i > 0 && items[i - 1]!.at > at) {
      items[i] = items[i - 1]!;
      i--;
    }
    items[i] = { at, line };
  }
  nextAt(): number {
    return this.items.length === 0 ? Infinity : this.items[0]!.at;
  }
  shift(): string {
    return this.items.shift()!.line;
  }
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

const P_LATE = 0.005;
const P_EXACT_DUPLICATE = 0.001;
const P_CONFLICTING_DUPLICATE = 0.0002;
const P_MALFORMED = 0.0005;
const P_UPPER_CASE_TYPE = 0.0003;

const INVALID_TIMESTAMPS = [
  '2022-13-01T10:00:00.000000',
  'not a timestamp',
  '',
  '25/05/2022 10:11:12',
  '1653471843',
];
const UNKNOWN_TYPES = ['page_veiw', 'checkout_started', 'add_to_wishlist', 'newsletter_click'];

/** Mean number of records a visitor produces, measured on a throw-away simulation. */
function meanRecordsPerVisitor(seed: number): number {
  const shop = new Shop(new Random(seed ^ 0x5bd1e995));
  const visitors = 4000;
  let total = 0;
  for (let i = 0; i < visitors; i++) {
    const v = shop.newVisitor();
    let t = 0;
    let first = true;
    for (;;) {
      shop.planSession(v, first);
      first = false;
      total += v.types.length;
      const loggedIn = v.customerId !== 0;
      if (v.kind === SIGNS_UP && v.types.includes(SIGN_UP)) v.customerId = 1;
      t = shop.scheduleNextSession(
        v,
        t,
        v.types.includes(PLACED_ORDER),
        loggedIn || v.customerId !== 0,
      );
      if (t < 0) break;
    }
  }
  return total / visitors;
}

export async function generateEvents(options: GenerateEventsOptions): Promise<GenerateEventsStats> {
  const started = performance.now();
  const total = Math.floor(options.events);
  if (!Number.isFinite(total) || total < 0)
    throw new Error(`--events must be a non-negative number`);
  const seed = Math.floor(options.seed) | 0;
  const days = options.days ?? 56;
  const startUs = Date.parse(`${options.start ?? '2022-04-04'}T00:00:00Z`) * 1000;
  if (!Number.isFinite(startUs)) throw new Error(`invalid start date: ${options.start}`);

  const out = options.out;
  const lower = out.toLowerCase();
  const parquet = lower.endsWith('.parquet');
  const gzipped = lower.endsWith('.gz');
  if (!parquet && !gzipped && !/\.(nd)?jsonl?$|\.ndjson$/.test(lower)) {
    throw new Error(`--out must end in .ndjson.gz, .ndjson, .jsonl or .parquet: ${out}`);
  }
  const tempDir = parquet ? mkdtempSync(path.join(tmpdir(), 'duckflow-events-')) : null;
  const textFile = tempDir ? path.join(tempDir, 'events.ndjson') : out;
  const writer = new LineWriter(textFile, gzipped ? (options.gzipLevel ?? 6) : null);

  const rng = new Random(seed);
  const anomalies = new Random(seed ^ 0x27d4eb2d);
  const shop = new Shop(rng);

  // Arrivals: a Poisson process scaled so that the period holds about `total` records.
  const perVisitor = meanRecordsPerVisitor(seed);
  const meanRate = total / perVisitor / (days * US_PER_DAY); // visitors per microsecond
  const meanHourly = HOURLY_TRAFFIC.reduce((a, b) => a + b, 0) / 24;
  const maxRate = (meanRate * MAX_HOURLY_TRAFFIC) / meanHourly;

  const heap = new TimeHeap();
  const visitors: (Visitor | null)[] = [null]; // slot 0 = the next arrival
  const freeSlots: number[] = [];
  const hadPurchase: boolean[] = [false];
  const loggedInDuringSession: boolean[] = [false];
  let nextArrival = startUs;
  const scheduleArrival = (): void => {
    // Thinning: candidate arrivals at the peak rate, kept with the hour's relative traffic.
    do nextArrival += rng.exponential(1 / maxRate);
    while (rng.next() * MAX_HOURLY_TRAFFIC >= HOURLY_TRAFFIC[hourOfDay(nextArrival)]!);
    heap.push(Math.round(nextArrival), 0);
  };
  if (total > 0) scheduleArrival();

  const delayed = new DelayBuffer();
  let written = 0;
  let nextEventId = 100_000;
  let nextCustomerId = 1;
  let visitorCount = 0;
  let firstUs = Infinity;
  let lastUs = -Infinity;
  const stats = {
    lateRows: 0,
    exactDuplicates: 0,
    conflictingDuplicates: 0,
    malformed: 0,
    upperCaseTypes: 0,
  };
  let nextProgress = 1_000_000;

  /**
   * After each record: write the late rows now due, then, only when the writer asks to wait
   * (backpressure), wait and report progress. Returns nothing in the common case, so the hot
   * path pays no promise per record.
   */
  const settle = (pending: Promise<void> | undefined): Promise<void> | undefined => {
    written++;
    while (delayed.nextAt() <= written) {
      pending = writer.line(delayed.shift()) ?? pending;
      written++;
    }
    return pending?.then(() => {
      if (written >= nextProgress) {
        options.onProgress?.(written);
        nextProgress += 1_000_000;
      }
    });
  };
  const writeLine = async (line: string): Promise<void> => settle(writer.line(line));

  while (written + delayed.size < total) {
    const time = heap.topTime();
    const slot = heap.topSlot();
    heap.pop();

    if (slot === 0) {
      const v = shop.newVisitor();
      visitorCount++;
      if (v.kind === REGISTERED) v.customerId = nextCustomerId++;
      shop.planSession(v, true);
      const s = freeSlots.length > 0 ? freeSlots.pop()! : visitors.length;
      visitors[s] = v;
      hadPurchase[s] = false;
      loggedInDuringSession[s] = v.customerId !== 0;
      heap.push(time, s);
      scheduleArrival();
      continue;
    }

    const v = visitors[slot]!;
    if (v.step < 0) {
      shop.planSession(v, false);
      hadPurchase[slot] = false;
      loggedInDuringSession[slot] = v.customerId !== 0;
    }
    const type = v.types[v.step]!;
    const tail = v.tails[v.step]!;
    const id = nextEventId++;
    if (time < firstUs) firstUs = time;
    if (time > lastUs) lastUs = time;

    const a = anomalies.next();
    const late = anomalies.next() < P_LATE;
    const d = anomalies.next();
    if (
      a >= P_MALFORMED + P_UPPER_CASE_TYPE &&
      !late &&
      d >= P_EXACT_DUPLICATE + P_CONFLICTING_DUPLICATE
    ) {
      // The common case: encode the record straight into the output buffer.
      const typeHead = (v.typeHeads[type] ??= `, "type": "${TYPE_NAMES[type]}${v.eventPrefix}`);
      const pending = settle(writer.event(id, typeHead, v.customerId, time, tail));
      if (pending) await pending;
    } else {
      const ts = formatTimestamp(time);
      const customer = v.customerId === 0 ? 'null' : String(v.customerId);
      const head = `{"id": ${id}, "type": "`;
      const event = v.eventPrefix;
      let line = `${head}${TYPE_NAMES[type]}${event}${customer}, "timestamp": "${ts}"${tail}}}`;
      if (a < P_MALFORMED) {
        stats.malformed++;
        switch (anomalies.int(0, 4)) {
          case 0: // truncated JSON (e.g. a cut-off write)
            line = line.slice(0, anomalies.int(1, line.length - 1));
            break;
          case 1: // no timestamp
            line = `${head}${TYPE_NAMES[type]}${event}${customer}${tail}}}`;
            break;
          case 2: // unparseable timestamp
            line = `${head}${TYPE_NAMES[type]}${event}${customer}, "timestamp": "${anomalies.pick(INVALID_TIMESTAMPS)}"${tail}}}`;
            break;
          case 3: // event type the shop does not know
            line = `${head}${anomalies.pick(UNKNOWN_TYPES)}${event}${customer}, "timestamp": "${ts}"${tail}}}`;
            break;
          default: // customer id that is not a number
            line = `${head}${TYPE_NAMES[type]}${event}"${anomalies.pick(['C-', 'user_', 'n/a#'])}${v.customerId}", "timestamp": "${ts}"${tail}}}`;
        }
      } else if (a < P_MALFORMED + P_UPPER_CASE_TYPE) {
        stats.upperCaseTypes++;
        line = `${head}${TYPE_UPPER[type]}${event}${customer}, "timestamp": "${ts}"${tail}}}`;
      }

      if (late) {
        // Arrives late: written after 1 to ~20,000 later records.
        stats.lateRows++;
        delayed.add(written + 1 + Math.floor(anomalies.exponential(3000)), line);
      } else {
        await writeLine(line);
      }
      if (d < P_EXACT_DUPLICATE && written + delayed.size < total) {
        stats.exactDuplicates++;
        delayed.add(written + anomalies.int(0, 200), line);
      } else if (
        d < P_EXACT_DUPLICATE + P_CONFLICTING_DUPLICATE &&
        written + delayed.size < total
      ) {
        // Same id, different content: a re-sent event with a shifted clock or another customer id.
        stats.conflictingDuplicates++;
        const other = anomalies.chance(0.7)
          ? `${head}${TYPE_NAMES[type]}${event}${customer}, "timestamp": "${formatTimestamp(time + anomalies.int(1, 120) * US_PER_SECOND)}"${tail}}}`
          : `${head}${TYPE_NAMES[type]}${event}${v.customerId === 0 ? String(anomalies.int(1, nextCustomerId)) : 'null'}, "timestamp": "${ts}"${tail}}}`;
        delayed.add(written + anomalies.int(0, 500), other);
      }
    }

    // Advance the visitor.
    if (type === SIGN_UP && v.customerId === 0) {
      v.customerId = nextCustomerId++;
      loggedInDuringSession[slot] = true;
    }
    if (type === PLACED_ORDER) hadPurchase[slot] = true;
    v.step++;
    if (v.step < v.types.length) {
      heap.push(time + v.delaysUs[v.step]!, slot);
      continue;
    }
    const next = shop.scheduleNextSession(
      v,
      time,
      hadPurchase[slot]!,
      loggedInDuringSession[slot]!,
    );
    if (next < 0) {
      visitors[slot] = null;
      freeSlots.push(slot);
      continue;
    }
    // Idle until the next session, which is planned when it starts: keep idle visitors small.
    v.types.length = 0;
    v.tails.length = 0;
    v.delaysUs.length = 0;
    v.typeHeads = [];
    v.step = -1;
    heap.push(next, slot);
  }
  while (delayed.size > 0) {
    await writer.line(delayed.shift());
    written++;
  }
  await writer.close();

  if (parquet && tempDir) {
    try {
      await ndjsonToParquet(textFile, out);
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    records: written,
    bytes: statSync(out).size,
    seconds,
    recordsPerSecond: Math.round(written / seconds),
    visitors: visitorCount,
    customers: nextCustomerId - 1,
    firstTimestamp: Number.isFinite(firstUs) ? formatTimestamp(firstUs) : '',
    lastTimestamp: Number.isFinite(lastUs) ? formatTimestamp(lastUs) : '',
    ...stats,
  };
}

/**
 * NDJSON → Parquet (id BIGINT, type VARCHAR, event VARCHAR holding the event object's JSON text),
 * in file order. A line that is not valid JSON keeps its full text in `event` (id and type null),
 * so malformed records survive the conversion instead of disappearing.
 */
async function ndjsonToParquet(ndjson: string, parquet: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;
  try {
    await connection.run(`
      copy (
          with lines as (
              select column0 as raw
              from read_csv(${quote(ndjson)}, columns = {'column0': 'VARCHAR'}, header = false,
                  delim = chr(1), quote = '', escape = '', auto_detect = false)
          )
          select
              case when json_valid(raw) then try_cast(raw ->> '$.id' as bigint) end as id,
              case when json_valid(raw) then raw ->> '$.type' end as type,
              case when json_valid(raw) then (raw -> '$.event')::varchar else raw end as event,
          from lines
      ) to ${quote(parquet)} (format parquet, compression zstd)`);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const USAGE =
  'usage: npx tsx scripts/generate-events.ts --events N --seed S --out FILE(.ndjson.gz|.ndjson|.parquet)\n' +
  '       [--start 2022-04-04] [--days 56] [--gzip-level 6] [--quiet]';

function readOptions(argv: string[]): GenerateEventsOptions & { quiet: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      events: { type: 'string', default: '150000' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string', default: 'seeds/raw_events.ndjson.gz' },
      start: { type: 'string' },
      days: { type: 'string' },
      'gzip-level': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  // Sizes read better with separators: --events 10_000_000.
  const number = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw.replaceAll('_', ''));
    if (!Number.isFinite(n)) throw new Error(`--${flag}: not a number: ${raw}`);
    return n;
  };
  return {
    events: number('events', values.events)!,
    seed: number('seed', values.seed)!,
    out: values.out!,
    start: values.start,
    days: number('days', values.days),
    gzipLevel: number('gzip-level', values['gzip-level']),
    quiet: values.quiet!,
  };
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  try {
    const { quiet, ...options } = readOptions(process.argv.slice(2));
    if (!quiet)
      options.onProgress = (n) => process.stderr.write(`  ${n.toLocaleString('en')} records\n`);
    const stats = await generateEvents(options);
    if (!quiet) {
      console.log(
        `wrote ${stats.records.toLocaleString('en')} records to ${options.out} ` +
          `(${(stats.bytes / 1e6).toFixed(1)} MB) in ${stats.seconds.toFixed(1)} s: ` +
          `${stats.recordsPerSecond.toLocaleString('en')} records/s`,
      );
      console.log(JSON.stringify(stats));
    }
  } catch (err) {
    console.error(`generate-events: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
