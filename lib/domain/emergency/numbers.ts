// Emergency telephone numbers per country, kept in the repository (never
// fetched: the page must work when everything else fails). Sources, checked
// 2026-11: the European Commission's 112 pages (digital-strategy.ec.europa.eu,
// "112 – the European emergency number"); national sources: 911.gov (US),
// Government of Canada (911, 988), NHS (999, 111), Gardaí/HSE (IE 112/999),
// Bundesamt für Bevölkerungsschutz (DE 110/112, 116117), service-public.fr
// (FR 15/17/18/112/114), Ministerio del Interior (ES 112, 091, 061, 080),
// Ministero dell'Interno (IT NUE 112, 113/118/115), Rijksoverheid (NL 112),
// ERSS / Ministry of Home Affairs (IN 112, ambulance 108, police 100, fire 101),
// triplezero.gov.au (AU 000, 112 from mobiles), NZ Police (111), SAPS (ZA 10111,
// 10177, 112 from mobiles), gov.br (BR 190/192/193), Gobierno de México (911),
// National Police Agency and FDMA Japan (110/119), SCDF and SPF (SG 999/995),
// UAE government portal (999/998/997); Wikipedia's "List of emergency telephone
// numbers" as a cross-check.

export interface EmergencyNumbers {
  /** ISO 3166-1 alpha-2; "EU" (Europe, 112) and "ZZ" (unknown) for the fallbacks. */
  country: string;
  name: string;
  /** The number to call first for a medical emergency. */
  call: string;
  police: string;
  ambulance: string;
  fire: string;
  note: string;
}

export const EUROPE_FALLBACK = "EU";
export const UNKNOWN_COUNTRY = "ZZ";

const TABLE: readonly EmergencyNumbers[] = [
  {
    country: "US",
    name: "United States",
    call: "911",
    police: "911",
    ambulance: "911",
    fire: "911",
    note: "You can text 911 in many areas. For a mental health crisis, call or text 988.",
  },
  {
    country: "CA",
    name: "Canada",
    call: "911",
    police: "911",
    ambulance: "911",
    fire: "911",
    note: "For a suicide or mental health crisis, call or text 988.",
  },
  {
    country: "GB",
    name: "United Kingdom",
    call: "999",
    police: "999",
    ambulance: "999",
    fire: "999",
    note: "112 works too. For urgent medical help that is not an emergency, call NHS 111.",
  },
  {
    country: "IE",
    name: "Ireland",
    call: "112",
    police: "112",
    ambulance: "112",
    fire: "112",
    note: "999 works too.",
  },
  {
    country: "DE",
    name: "Germany",
    call: "112",
    police: "110",
    ambulance: "112",
    fire: "112",
    note: "For a doctor on call when it is not an emergency, call 116117.",
  },
  {
    country: "FR",
    name: "France",
    call: "15",
    police: "17",
    ambulance: "15",
    fire: "18",
    note: "112 works from any phone. Deaf or hard of hearing: text 114.",
  },
  {
    country: "ES",
    name: "Spain",
    call: "112",
    police: "091",
    ambulance: "112",
    fire: "080",
    note: "112 reaches every service; 061 is the medical line in several regions.",
  },
  {
    country: "IT",
    name: "Italy",
    call: "112",
    police: "113",
    ambulance: "118",
    fire: "115",
    note: "112 reaches every service (in most regions it is the single number).",
  },
  {
    country: "NL",
    name: "Netherlands",
    call: "112",
    police: "112",
    ambulance: "112",
    fire: "112",
    note: "For the police when it is not urgent, call 0900-8844.",
  },
  {
    country: "IN",
    name: "India",
    call: "112",
    police: "100",
    ambulance: "108",
    fire: "101",
    note: "112 is the national emergency number; 108 sends an ambulance in most states (102 in some).",
  },
  {
    country: "AU",
    name: "Australia",
    call: "000",
    police: "000",
    ambulance: "000",
    fire: "000",
    note: "112 also works from mobile phones. Deaf or speech-impaired: 106 (text).",
  },
  {
    country: "NZ",
    name: "New Zealand",
    call: "111",
    police: "111",
    ambulance: "111",
    fire: "111",
    note: "For health advice when it is not an emergency, call Healthline 0800 611 116.",
  },
  {
    country: "ZA",
    name: "South Africa",
    call: "10177",
    police: "10111",
    ambulance: "10177",
    fire: "10177",
    note: "From a mobile phone, call 112.",
  },
  {
    country: "BR",
    name: "Brazil",
    call: "192",
    police: "190",
    ambulance: "192",
    fire: "193",
    note: "192 is SAMU, the emergency ambulance service.",
  },
  {
    country: "MX",
    name: "Mexico",
    call: "911",
    police: "911",
    ambulance: "911",
    fire: "911",
    note: "911 reaches every service nationwide.",
  },
  {
    country: "JP",
    name: "Japan",
    call: "119",
    police: "110",
    ambulance: "119",
    fire: "119",
    note: "119 is for an ambulance or fire; 110 for the police.",
  },
  {
    country: "SG",
    name: "Singapore",
    call: "995",
    police: "999",
    ambulance: "995",
    fire: "995",
    note: "995 is for an ambulance or fire; 999 for the police.",
  },
  {
    country: "AE",
    name: "United Arab Emirates",
    call: "998",
    police: "999",
    ambulance: "998",
    fire: "997",
    note: "112 also works from mobile phones.",
  },
  {
    country: EUROPE_FALLBACK,
    name: "Elsewhere in Europe (112)",
    call: "112",
    police: "112",
    ambulance: "112",
    fire: "112",
    note: "112 is free from any phone everywhere in the European Union and in many other European countries.",
  },
  {
    country: UNKNOWN_COUNTRY,
    name: "Another country",
    call: "112",
    police: "112",
    ambulance: "112",
    fire: "112",
    note: "112 works on most mobile networks worldwide, but not everywhere: learn your local emergency number.",
  },
];

/** The countries to choose from, in the order they are listed (fallbacks last). */
export const EMERGENCY_COUNTRIES = TABLE.map(({ country, name }) => ({ value: country, label: name }));

// Member states not listed above: 112 is their emergency number (EU law, Directive (EU) 2018/1972).
const EU_MEMBERS = new Set("AT BE BG CY CZ DK EE FI GR HR HU LT LU LV MT PL PT RO SE SI SK".split(" "));

/** The numbers for a country code (any case); unknown codes fall back to 112 (Europe) or the generic entry. */
export function emergencyNumbersFor(country: string | null | undefined): EmergencyNumbers {
  const code = (country ?? "").trim().toUpperCase();
  const found = TABLE.find((entry) => entry.country === code);
  if (found) return found;
  const fallback = EU_MEMBERS.has(code) ? EUROPE_FALLBACK : UNKNOWN_COUNTRY;
  return TABLE.find((entry) => entry.country === fallback)!;
}

/** True for a code the table has its own entry for (fallbacks included). */
export const isListedCountry = (country: string) => TABLE.some((entry) => entry.country === country);

const ZONE_COUNTRY: Readonly<Record<string, string>> = {
  "Europe/London": "GB",
  "Europe/Belfast": "GB",
  "Europe/Dublin": "IE",
  "Europe/Berlin": "DE",
  "Europe/Busingen": "DE",
  "Europe/Paris": "FR",
  "Europe/Madrid": "ES",
  "Atlantic/Canary": "ES",
  "Africa/Ceuta": "ES",
  "Europe/Rome": "IT",
  "Europe/Amsterdam": "NL",
  "Asia/Kolkata": "IN",
  "Asia/Calcutta": "IN",
  "Pacific/Auckland": "NZ",
  "Pacific/Chatham": "NZ",
  "Africa/Johannesburg": "ZA",
  "Asia/Tokyo": "JP",
  "Asia/Singapore": "SG",
  "Asia/Dubai": "AE",
  "America/Mexico_City": "MX",
  "America/Cancun": "MX",
  "America/Monterrey": "MX",
  "America/Merida": "MX",
  "America/Chihuahua": "MX",
  "America/Mazatlan": "MX",
  "America/Tijuana": "MX",
  "America/Hermosillo": "MX",
  "America/Sao_Paulo": "BR",
  "America/Manaus": "BR",
  "America/Recife": "BR",
  "America/Bahia": "BR",
  "America/Fortaleza": "BR",
  "America/Belem": "BR",
  "America/Cuiaba": "BR",
  "America/Porto_Velho": "BR",
  "America/Rio_Branco": "BR",
  "America/Toronto": "CA",
  "America/Vancouver": "CA",
  "America/Edmonton": "CA",
  "America/Winnipeg": "CA",
  "America/Halifax": "CA",
  "America/St_Johns": "CA",
  "America/Regina": "CA",
  "America/Moncton": "CA",
  "America/Whitehorse": "CA",
  "America/New_York": "US",
  "America/Chicago": "US",
  "America/Denver": "US",
  "America/Los_Angeles": "US",
  "America/Phoenix": "US",
  "America/Anchorage": "US",
  "America/Detroit": "US",
  "America/Boise": "US",
  "Pacific/Honolulu": "US",
};

/** A best guess of the country from an IANA time zone (many zones span several countries: then none). */
export function countryFromTimeZone(timeZone: string | null | undefined): string | null {
  if (!timeZone) return null;
  const exact = ZONE_COUNTRY[timeZone];
  if (exact) return exact;
  if (timeZone.startsWith("Australia/")) return "AU";
  if (timeZone.startsWith("America/Indiana/") || timeZone.startsWith("America/Kentucky/")) return "US";
  if (timeZone.startsWith("Europe/")) return EUROPE_FALLBACK;
  return null;
}

/** The country whose numbers to show first: the profile's, else the time zone's guess, else unknown. */
export function defaultEmergencyCountry(profileCountry: string | null, timeZone: string | null): string {
  const fromProfile = profileCountry?.trim().toUpperCase();
  if (fromProfile) return emergencyNumbersFor(fromProfile).country;
  return countryFromTimeZone(timeZone) ?? UNKNOWN_COUNTRY;
}
