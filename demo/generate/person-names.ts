import type { SeededRandom } from '../random/seeded-random.ts';
import {
  COMPANY_NAMES,
  EMAIL_DOMAINS,
  ENGLISH_FIRST,
  ENGLISH_SURNAMES,
  type NamePair,
  UKRAINIAN_FEMALE_FIRST,
  UKRAINIAN_MALE_FIRST,
  UKRAINIAN_SURNAMES,
} from '../reference/names.ts';

export interface PersonName {
  fullName: string;
  /** Latin letters only, for e-mail addresses. */
  latinFirst: string;
  latinLast: string;
}

/** The Ukrainian apostrophe as people type it: mostly U+0027, sometimes the "proper" U+02BC. */
const MODIFIER_APOSTROPHE = '\u02BC';

function ukrainianApostrophe(random: SeededRandom, text: string): string {
  return text.includes("'") && random.chance(0.35) ? text.replaceAll("'", MODIFIER_APOSTROPHE) : text;
}

function ukrainianPair(random: SeededRandom): [NamePair, NamePair] {
  const first = random.chance(0.5) ? random.pick(UKRAINIAN_MALE_FIRST) : random.pick(UKRAINIAN_FEMALE_FIRST);
  return [first, random.pick(UKRAINIAN_SURNAMES)];
}

/** A Ukrainian name in Cyrillic: staff are entered by HR in Ukrainian. */
export function ukrainianName(random: SeededRandom): PersonName {
  const [first, last] = ukrainianPair(random);
  return {
    fullName: ukrainianApostrophe(random, `${first[0]} ${last[0]}`),
    latinFirst: first[1],
    latinLast: last[1],
  };
}

/**
 * A customer's name as they typed it: mostly Ukrainian in Cyrillic, some transliterated, some English,
 * a few small businesses; now and then a stray tab or a double space from a paste.
 */
export function customerName(random: SeededRandom): PersonName {
  const kind = random.weighted([
    ['cyrillic', 64],
    ['latin', 14],
    ['english', 19],
    ['company', 3],
  ] as const);
  let name: PersonName;
  if (kind === 'cyrillic') name = ukrainianName(random);
  else if (kind === 'latin') {
    const [first, last] = ukrainianPair(random);
    name = { fullName: `${first[1]} ${last[1]}`, latinFirst: first[1], latinLast: last[1] };
  } else if (kind === 'english') {
    const first = random.pick(ENGLISH_FIRST);
    const last = random.pick(ENGLISH_SURNAMES);
    name = { fullName: `${first} ${last}`, latinFirst: first, latinLast: last };
  } else {
    name = { fullName: random.pick(COMPANY_NAMES), latinFirst: 'office', latinLast: 'shop' };
  }
  if (random.chance(0.002)) name.fullName = name.fullName.replace(' ', '\t');
  else if (random.chance(0.004)) name.fullName = name.fullName.replace(' ', '  ');
  return name;
}

const asEmailWord = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A unique address: the id (or another unique tag) keeps it unique; pattern and domain vary. */
export function customerEmail(random: SeededRandom, name: PersonName, id: number | string): string {
  const first = asEmailWord(name.latinFirst);
  const last = asEmailWord(name.latinLast);
  const local = random.weighted([
    [`${first}.${last}${id}`, 5],
    [`${first[0]}${last}${id}`, 3],
    [`${last}.${first}.${id}`, 2],
  ] as const);
  return `${local}@${random.pick(EMAIL_DOMAINS)}`;
}

const MOBILE_CODES = ['50', '63', '66', '67', '68', '73', '93', '95', '96', '97', '98', '99'];

/** A Ukrainian mobile number in one of the ways people write it, or none. */
export function phoneNumber(random: SeededRandom): string | null {
  if (random.chance(0.1)) return null;
  const code = random.pick(MOBILE_CODES);
  const digits = String(random.int(0, 9_999_999)).padStart(7, '0');
  const [a, b, c] = [digits.slice(0, 3), digits.slice(3, 5), digits.slice(5, 7)];
  return random.weighted([
    [`+380${code}${digits}`, 6],
    [`0${code} ${a} ${b} ${c}`, 2],
    [`+38 (0${code}) ${a}-${b}-${c}`, 2],
  ] as const);
}
