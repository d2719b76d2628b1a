/**
 * Number → IANA time zone, for leads whose file gave none. A compact table, not a full database: whole countries
 * with one zone, plus area-code splits for the multi-zone countries our users dial most (US/CA, MX, ES, BR, AR…).
 * Unknown → null, and the campaign's default zone applies.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const COUNTRY_ZONE: Record<string, string> = {
  CR: 'America/Costa_Rica',
  PA: 'America/Panama',
  NI: 'America/Managua',
  HN: 'America/Tegucigalpa',
  SV: 'America/El_Salvador',
  GT: 'America/Guatemala',
  BZ: 'America/Belize',
  CO: 'America/Bogota',
  VE: 'America/Caracas',
  EC: 'America/Guayaquil',
  PE: 'America/Lima',
  BO: 'America/La_Paz',
  PY: 'America/Asuncion',
  UY: 'America/Montevideo',
  AR: 'America/Argentina/Buenos_Aires',
  CL: 'America/Santiago',
  BR: 'America/Sao_Paulo',
  DO: 'America/Santo_Domingo',
  PR: 'America/Puerto_Rico',
  CU: 'America/Havana',
  MX: 'America/Mexico_City',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  IT: 'Europe/Rome',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  CH: 'Europe/Zurich',
  US: 'America/New_York',
  CA: 'America/Toronto',
};

/** NANP area codes → zone, for the big metros and every state that is not Eastern (the default). */
const NANP_AREA_ZONE: Record<string, string> = {};
const nanp = (zone: string, codes: string): void => {
  for (const c of codes.split(/\s+/).filter(Boolean)) NANP_AREA_ZONE[c] = zone;
};
// Central
nanp(
  'America/Chicago',
  '205 251 256 334 659 938 479 501 870 217 224 309 312 331 447 464 618 630 708 773 779 815 847 872 319 515 563 641 712 ' +
    '316 620 785 913 225 318 337 504 985 218 320 507 612 651 763 952 228 601 662 769 314 417 557 573 636 660 816 ' +
    '308 402 531 701 405 539 572 580 918 605 423 615 629 731 865 901 931 210 214 254 281 325 346 361 409 430 432 469 ' +
    '512 682 713 726 737 806 817 830 832 903 936 940 945 956 972 979 262 274 414 534 608 715 920 850',
);
// Mountain
nanp('America/Denver', '303 719 720 970 983 208 986 406 505 575 385 435 801 307 915');
nanp('America/Phoenix', '480 520 602 623 928');
// Pacific
nanp(
  'America/Los_Angeles',
  '209 213 279 310 323 341 350 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 747 760 805 818 820 ' +
    '831 840 858 909 916 925 949 951 702 725 775 458 503 541 971 206 253 360 425 509 564',
);
nanp('America/Anchorage', '907');
nanp('Pacific/Honolulu', '808');
nanp('America/Puerto_Rico', '787 939');
// Canada (non-Eastern)
nanp('America/Vancouver', '236 250 604 672 778');
nanp('America/Edmonton', '368 403 587 780 825');
nanp('America/Regina', '306 639');
nanp('America/Winnipeg', '204 431');
nanp('America/Halifax', '782 902');
nanp('America/St_Johns', '709');

/** Mexico: a few regions off Central time, by the leading digits of the national number. */
const MX_PREFIX_ZONE: Array<[string, string]> = [
  ['664', 'America/Tijuana'],
  ['686', 'America/Tijuana'],
  ['665', 'America/Tijuana'],
  ['656', 'America/Ciudad_Juarez'],
  ['614', 'America/Chihuahua'],
  ['662', 'America/Hermosillo'],
  ['612', 'America/Mazatlan'],
  ['669', 'America/Mazatlan'],
  ['998', 'America/Cancun'],
  ['984', 'America/Cancun'],
  ['983', 'America/Cancun'],
  ['81', 'America/Monterrey'],
];

/** Spain: Canary Islands (922, 928 fixed). Mobiles are not geographic and stay on Madrid. */
const ES_PREFIX_ZONE: Array<[string, string]> = [
  ['922', 'Atlantic/Canary'],
  ['928', 'Atlantic/Canary'],
  ['822', 'Atlantic/Canary'],
  ['828', 'Atlantic/Canary'],
];

/** Brazil: DDD codes outside Brasília time. */
const BR_PREFIX_ZONE: Array<[string, string]> = [
  ['65', 'America/Cuiaba'],
  ['66', 'America/Cuiaba'],
  ['67', 'America/Campo_Grande'],
  ['68', 'America/Rio_Branco'],
  ['69', 'America/Porto_Velho'],
  ['92', 'America/Manaus'],
  ['97', 'America/Manaus'],
  ['95', 'America/Boa_Vista'],
];

const byPrefix = (table: Array<[string, string]>, national: string): string | undefined =>
  table.find(([p]) => national.startsWith(p))?.[1];

export function zoneForNumber(e164: string): string | null {
  const p = parsePhoneNumberFromString(e164);
  if (p === undefined) return null;
  return zoneForParts(p.country ?? null, p.countryCallingCode, p.nationalNumber);
}

/** Same, from an already parsed number (the importer has one; parsing twice doubles its cost). */
export function zoneForParts(country: string | null, callingCode: string, national: string): string | null {
  if (callingCode === '1') {
    const zone = NANP_AREA_ZONE[national.slice(0, 3)];
    if (zone !== undefined) return zone;
    return country !== null ? (COUNTRY_ZONE[country] ?? null) : null;
  }
  if (country === null) return null;
  if (country === 'MX') return byPrefix(MX_PREFIX_ZONE, national) ?? COUNTRY_ZONE.MX!;
  if (country === 'ES') return byPrefix(ES_PREFIX_ZONE, national) ?? COUNTRY_ZONE.ES!;
  if (country === 'BR') return byPrefix(BR_PREFIX_ZONE, national) ?? COUNTRY_ZONE.BR!;
  return COUNTRY_ZONE[country] ?? null;
}

const validZones = new Map<string, boolean>();
/** Whether Intl knows the zone (cached: constructing a formatter per lead would dominate a 100k import). */
export function isValidTimeZone(tz: string): boolean {
  let ok = validZones.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    validZones.set(tz, ok);
  }
  return ok;
}
