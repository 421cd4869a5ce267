import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // The bridge lives in server/, run by our own server: keep its Node-only packages out of bundles.
  serverExternalPackages: ["@xmpp/client", "ws"],
  poweredByHeader: false,
};

export default nextConfig;
