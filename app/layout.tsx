import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { THEME_BOOT_SCRIPT, ThemeToggle } from "@/components/ui/theme-toggle";
import "./globals.css";

export const metadata: Metadata = {
  title: "XMPP Playground",
  description: "Learn XMPP by doing it against a real server; hand-craft, send and inspect raw stanzas.",
  icons: { icon: "/favicon.svg" },
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The server sets a fresh nonce per request (server/security-headers.ts); reading it makes every page dynamic, as a nonce must be.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" data-theme="dark" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            XMPP Playground
          </Link>
          <nav aria-label="Main">
            <Link href="/lessons">Lessons</Link>
            <Link href="/playground">Workbench</Link>
            <Link href="/scripts">Scripts</Link>
            <Link href="/captures">Captures</Link>
          </nav>
          <ThemeToggle />
        </header>
        {children}
      </body>
    </html>
  );
}
