import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  { ignores: [".next/**", ".playground/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.property.name='only']", message: "A focused test silences the others." },
        // A fixed sleep (Playwright's waitFor + Timeout) makes tests slow and flaky.
        { selector: "CallExpression[callee.property.name=/^waitFor(Timeout)$/]", message: "Wait on an expect() instead of a timeout." },
      ],
    },
  },
  {
    // The headless core must never reach into React or the DOM-facing components.
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["react", "react-dom", "next", "next/*", "@/components/*", "../components/*", "../../components/*"] }],
    },
  },
  {
    // Each Playwright worker has its own app and ejabberd (e2e/worlds.ts): a spec's `test` must
    // come from e2e/fixtures.ts, which points it at its worker's app.
    files: ["e2e/**/*.ts"],
    ignores: ["e2e/fixtures.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "@playwright/test", importNames: ["test"], message: "Import test from ./fixtures: it reaches the worker's own app (e2e/worlds.ts)." }] }],
    },
  },
];

export default config;
