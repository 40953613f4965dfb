// A TCP proxy between the app's pool and PostgreSQL that can stall: while stalled it holds every
// byte in both directions (the sockets stay open, as with a hung network, a black-holing firewall
// or an overloaded pooler); resume() delivers what it held and forwards again. cut() is a stopped
// server instead: every open connection is dropped and new ones are closed at once, until reconnect().
import net from "node:net";

export interface StallingProxy {
  port: number;
  stall(): void;
  resume(): void;
  cut(): void;
  reconnect(): void;
  close(): Promise<void>;
}

export async function startStallingProxy(target: { host: string; port: number }): Promise<StallingProxy> {
  let stalled = false;
  let refusing = false;
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const forward = (from: net.Socket, to: net.Socket) =>
    from.on("data", (chunk) => {
      if (stalled) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
      for (const deliver of held.splice(0)) deliver();
    },
    cut: () => {
      refusing = true;
      held.length = 0;
      for (const socket of sockets) socket.destroy();
    },
    reconnect: () => {
      refusing = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
