// Message text as segments the UI renders as plain text or as links. Nothing here
// produces HTML: React escapes every text segment, so markup in a message stays
// visible characters. Only http(s) URLs become links, after the browser's own URL
// parser agrees with us; anything it reads differently (credentials, a bad host)
// stays text rather than being "repaired" into a destination the sender did not type.
// No dependencies: used by browser components and unit tests.

export type MessageSegment = { kind: "text"; text: string } | { kind: "link"; href: string; text: string };

// A candidate runs from "http(s)://" to whitespace, quotes (straight or curly),
// angle brackets, CJK or full-width punctuation, or any control/format character
// (a right-to-left override inside a link would make its visible text lie about
// where it goes). The look-behind keeps "xhttps://…" text.
const CANDIDATE =
  /(?<![A-Za-z0-9_])https?:\/\/[^\s<>"'`\p{Cc}\p{Cf}\u2018-\u201F\u2026\u3000-\u303F\uFF00-\uFFEF]+/giu;

const CLOSERS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const TRAILING_ASCII = new Set([".", ",", ";", ":", "!", "?", "'", '"', "*", "_"]);

const countOf = (text: string, character: string) => text.split(character).length - 1;

/** Drops what a sentence puts after a URL: "(see https://a.example/x)." links ".../x". */
function trimTrailing(candidate: string): string {
  let end = candidate;
  for (;;) {
    const last = end.at(-1);
    if (last === undefined) return end;
    const opener = CLOSERS[last];
    if (opener !== undefined) {
      // A closer belongs to the URL only when the URL itself opened it (Wikipedia-style paths).
      if (countOf(end, last) > countOf(end, opener)) {
        end = end.slice(0, -1);
        continue;
      }
      return end;
    }
    // ASCII sentence punctuation, or any non-ASCII punctuation ("。", "」", "…").
    if (TRAILING_ASCII.has(last) || (last > "\u007f" && /\p{P}/u.test(last))) {
      end = end.slice(0, -1);
      continue;
    }
    return end;
  }
}

/** The normalised link for a candidate, or null when it must stay text. */
function safeHref(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  // "https://bank.example@evil.example" reads as the bank and goes elsewhere.
  if (url.username !== "" || url.password !== "") return null;
  if (url.hostname === "") return null;
  return url.href;
}

/** Splits a message into text and link segments, in order; adjacent text is merged. */
export function linkify(text: string): MessageSegment[] {
  const segments: MessageSegment[] = [];
  const pushText = (value: string) => {
    if (value === "") return;
    const previous = segments.at(-1);
    if (previous?.kind === "text") previous.text += value;
    else segments.push({ kind: "text", text: value });
  };
  let position = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimTrailing(match[0]);
    const href = safeHref(candidate);
    if (href === null) continue;
    pushText(text.slice(position, start));
    segments.push({ kind: "link", href, text: candidate });
    position = start + candidate.length;
  }
  pushText(text.slice(position));
  return segments;
}
