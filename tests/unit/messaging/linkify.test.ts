import { describe, expect, it } from "vitest";
import { type MessageSegment, linkify } from "@/lib/domain/messaging/linkify";

const links = (text: string) =>
  linkify(text).filter(
    (segment): segment is Extract<MessageSegment, { kind: "link" }> => segment.kind === "link",
  );
const joined = (segments: MessageSegment[]) => segments.map((segment) => segment.text).join("");

describe("linkify", () => {
  it("keeps plain text as one text segment and an empty message as nothing", () => {
    expect(linkify("Take two tablets\nafter meals.")).toEqual([
      { kind: "text", text: "Take two tablets\nafter meals." },
    ]);
    expect(linkify("")).toEqual([]);
  });

  it("links http and https URLs with the text around them", () => {
    expect(linkify("Results: https://lab.example/r/42 and http://old.example.")).toEqual([
      { kind: "text", text: "Results: " },
      { kind: "link", href: "https://lab.example/r/42", text: "https://lab.example/r/42" },
      { kind: "text", text: " and " },
      { kind: "link", href: "http://old.example/", text: "http://old.example" },
      { kind: "text", text: "." },
    ]);
  });

  it("never turns markup into anything but text", () => {
    for (const payload of [
      "<script>alert(1)</script>",
      '<img src=x onerror="alert(1)">',
      '<a href="javascript:alert(1)">click</a>',
      "<svg/onload=alert(1)>",
    ]) {
      const segments = linkify(payload);
      expect(segments, payload).toEqual([{ kind: "text", text: payload }]);
    }
  });

  it("ends a link at an angle bracket or quote, leaving the markup as text", () => {
    const segments = linkify('https://a.example/x"><script>alert(1)</script>');
    expect(segments[0]).toEqual({ kind: "link", href: "https://a.example/x", text: "https://a.example/x" });
    expect(joined(segments)).toBe('https://a.example/x"><script>alert(1)</script>');
    expect(links('<img src="https://a.example/i.png" onerror=alert(1)>').map((link) => link.href)).toEqual([
      "https://a.example/i.png",
    ]);
  });

  it("leaves other schemes as text, in any letter case", () => {
    for (const payload of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(document.cookie)",
      "java\tscript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "ftp://files.example/x",
      "//evil.example/path",
      "mailto:someone@example.com",
    ]) {
      expect(links(payload), payload).toEqual([]);
      expect(joined(linkify(payload))).toBe(payload);
    }
  });

  it("does not link a scheme glued to a word or hidden inside another scheme", () => {
    expect(links("xhttps://evil.example")).toEqual([]);
    expect(links("javascript:https://evil.example")).toHaveLength(1);
    expect(links("javascript:https://evil.example")[0]?.href).toBe("https://evil.example/");
  });

  it("leaves URLs with credentials as text", () => {
    for (const payload of [
      "https://user:pass@host.example/path",
      "https://bank.example@evil.example/login",
      "http://:secret@host.example",
    ]) {
      expect(links(payload), payload).toEqual([]);
      expect(joined(linkify(payload))).toBe(payload);
    }
  });

  it("leaves what the URL parser refuses as text", () => {
    expect(links("https://")).toEqual([]);
    expect(links("http://exa%mple.com")).toEqual([]);
    expect(links("https://exa^mple.com/x")).toEqual([]);
    expect(links("https://[not-an-ip]/")).toEqual([]);
  });

  it("drops trailing sentence punctuation and unbalanced closing brackets", () => {
    expect(linkify("(see https://a.example/x).")).toEqual([
      { kind: "text", text: "(see " },
      { kind: "link", href: "https://a.example/x", text: "https://a.example/x" },
      { kind: "text", text: ")." },
    ]);
    expect(links("Is it https://a.example/faq?")[0]?.text).toBe("https://a.example/faq");
    expect(links("Go to https://a.example/x, then call.")[0]?.text).toBe("https://a.example/x");
    expect(links("https://a.example/x!!!")[0]?.text).toBe("https://a.example/x");
    expect(links("[https://a.example/y]")[0]?.text).toBe("https://a.example/y");
  });

  it("keeps brackets that belong to the URL and its query and fragment", () => {
    expect(links("https://en.wikipedia.example/wiki/Aspirin_(drug)")[0]?.text).toBe(
      "https://en.wikipedia.example/wiki/Aspirin_(drug)",
    );
    expect(links("https://a.example/p?q=1&r=2#top")[0]?.href).toBe("https://a.example/p?q=1&r=2#top");
  });

  it("handles unicode text and hosts, with the destination normalised in href", () => {
    const segments = linkify("Ergebnisse: https://bücher.example/straße. Danke 🙏");
    expect(segments).toEqual([
      { kind: "text", text: "Ergebnisse: " },
      {
        kind: "link",
        href: "https://xn--bcher-kva.example/stra%C3%9Fe",
        text: "https://bücher.example/straße",
      },
      { kind: "text", text: ". Danke 🙏" },
    ]);
    expect(links("请看https://a.example/x。谢谢")[0]?.text).toBe("https://a.example/x");
    expect(links("「https://a.example/y」")[0]?.text).toBe("https://a.example/y");
    expect(links("“https://a.example/z”")[0]?.text).toBe("https://a.example/z");
    expect(links("https://a.example/q…")[0]?.text).toBe("https://a.example/q");
  });

  it("ends a link at control and bidirectional formatting characters", () => {
    const payload = "https://a.example/\u202Egnp.exe";
    expect(links(payload)[0]?.text).toBe("https://a.example/");
    expect(joined(linkify(payload))).toBe(payload);
    expect(links("https://a.example/x\u0000y")[0]?.text).toBe("https://a.example/x");
  });

  it("links several URLs and keeps every character of the message", () => {
    const text = "one https://a.example two\nhttps://b.example/p?x=1 three";
    const segments = linkify(text);
    expect(segments.filter((segment) => segment.kind === "link")).toHaveLength(2);
    expect(joined(segments)).toBe(text);
  });
});
