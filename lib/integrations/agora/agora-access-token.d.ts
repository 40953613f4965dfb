// The token parser `agora-access-token` ships (src/AccessToken.js) but does not declare.
declare module "agora-access-token/src/AccessToken.js" {
  export class AccessToken {
    constructor(appId: string, certificate: string, channel: string, uid: number);
    fromString(token: string): boolean;
    signature: Buffer;
    m: Buffer;
    messages: Record<number, number>;
  }
}
