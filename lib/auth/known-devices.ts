// Browsers where an account signed in before, remembered in a sealed cookie
// (iron-session). Failed attempts from a known browser count against that
// browser, not the account (lockout.ts), so a lock caused by someone else does
// not keep the owner out of their own browser. A clinic's shared computer can
// remember a few accounts.
import "server-only";
import { randomBytes } from "node:crypto";
import { KNOWN_DEVICES_COOKIE } from "./cookies";
import { openSealedCookie } from "./sealed-cookie";

export interface KnownDevice {
  userId: string;
  deviceId: string;
}

const KNOWN_DEVICE_TTL_SECONDS = 180 * 24 * 60 * 60;
const MAX_ACCOUNTS_PER_BROWSER = 5;

const knownDevicesCookie = () =>
  openSealedCookie<{ devices?: KnownDevice[] }>(KNOWN_DEVICES_COOKIE, KNOWN_DEVICE_TTL_SECONDS);

export async function readKnownDevices(): Promise<KnownDevice[]> {
  return (await knownDevicesCookie()).devices ?? [];
}

/** After a complete sign-in: this browser is now known for this account (its id kept if it was). */
export async function rememberDevice(userId: string): Promise<void> {
  const cookie = await knownDevicesCookie();
  const devices = cookie.devices ?? [];
  const existing = devices.find((device) => device.userId === userId);
  cookie.devices = [
    existing ?? { userId, deviceId: randomBytes(16).toString("base64url") },
    ...devices.filter((device) => device.userId !== userId),
  ].slice(0, MAX_ACCOUNTS_PER_BROWSER);
  await cookie.save();
}
