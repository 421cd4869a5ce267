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
];

export default config;
