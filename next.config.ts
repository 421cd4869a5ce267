import type { NextConfig } from "next";
import { PHASE_PRODUCTION_BUILD } from "next/constants";
import { validateCourseForBuild } from "./lib/lessons/build-check";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // The bridge lives in server/, run by our own server: keep its Node-only packages out of bundles.
  serverExternalPackages: ["@xmpp/client", "ws"],
  poweredByHeader: false,
  // `npm run bench:profile` maps a CPU profile back to our sources when the build has maps.
  productionBrowserSourceMaps: process.env.PLAYGROUND_SOURCE_MAPS === "1",
  // `npm test` typechecks the whole project with tsc before it builds (scripts/test.ts), so the
  // build's own pass would repeat it (about a minute on two cores); every other build keeps it.
  typescript: { ignoreBuildErrors: process.env.PLAYGROUND_TYPECHECKED === "1" },
};

/** A malformed lesson fails `next build` before anything compiles, naming the file and the field (lessons/README.md). */
export default function config(phase: string): NextConfig {
  if (phase === PHASE_PRODUCTION_BUILD) validateCourseForBuild();
  return nextConfig;
}
