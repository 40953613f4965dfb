import { describe, expect, it } from "vitest";
import {
  addressBucket,
  clientAddressFrom,
  normaliseAddress,
  stripUntrustedForwarding,
  trustedProxyHops,
} from "@/lib/security/forwarded";

describe("the client address per deployment", () => {
  it("reads TRUST_PROXY as a number of trusted proxies", () => {
    expect([undefined, "false", "true", "2", "nonsense"].map(trustedProxyHops)).toEqual([0, 0, 1, 2, 0]);
  });

  it("without a proxy, believes only the single address Next filled in from the socket", () => {
    expect(clientAddressFrom("::ffff:203.0.113.7", 0)).toBe("203.0.113.7");
    expect(clientAddressFrom("2001:DB8::1", 0)).toBe("2001:db8::1");
    // More than one entry cannot come from Next: proxy.ts removed what the client sent.
    expect(clientAddressFrom("198.51.100.1, 203.0.113.7", 0)).toBeNull();
    expect(clientAddressFrom(null, 0)).toBeNull();
  });

  it("behind N proxies, takes the N-th entry from the end and ignores what the client wrote", () => {
    const forwarded = "10.0.0.1, 198.51.100.23, 203.0.113.7";
    expect(clientAddressFrom(forwarded, 1)).toBe("203.0.113.7");
    expect(clientAddressFrom(forwarded, 2)).toBe("198.51.100.23");
    expect(clientAddressFrom("203.0.113.7", 2)).toBeNull();
  });

  it("refuses anything that is not an address", () => {
    for (const junk of ["", "unknown", "999.1.1.1", "1.2.3", "<script>", "a:b:c:d:e:f:g:h:i:j"]) {
      expect(normaliseAddress(junk), junk).toBeNull();
    }
  });

  it("limits an IPv6 client per /64, as one subscriber holds a whole /64", () => {
    expect(addressBucket("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2::9")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8::9")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("203.0.113.7")).toBe("203.0.113.7");
  });

  it("removes every forwarding header a client sent when no proxy is trusted, and keeps them behind one", () => {
    const sent = () =>
      new Headers({
        "x-forwarded-for": "1.2.3.4",
        "x-forwarded-host": "evil.example",
        forwarded: "for=1.2.3.4",
        "x-real-ip": "1.2.3.4",
        host: "haven.example",
      });
    const direct = sent();
    stripUntrustedForwarding(direct, 0);
    expect([...direct.keys()]).toEqual(["host"]);
    const proxied = sent();
    stripUntrustedForwarding(proxied, 1);
    expect(proxied.get("x-forwarded-for")).toBe("1.2.3.4");
  });
});
