import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: "XMPP Playground",
  description: "Learn XMPP by doing it against a real server; hand-craft, send and inspect raw stanzas.",
  icons: { icon: "/favicon.svg" },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            XMPP Playground
          </Link>
          <nav aria-label="Main">
            <Link href="/playground">Workbench</Link>
            <Link href="/captures">Captures</Link>
          </nav>
        </header>
        {children}
      </body>
    </html>
  );
}
