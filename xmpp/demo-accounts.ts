/** The accounts the bundled server is started with (see scripts/lib/instances.ts). */
export interface DemoAccount {
  username: string;
  password: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: "alice", password: "alice" },
  { username: "bob", password: "bob" },
];

export const BUNDLED_DOMAIN = "localhost";
