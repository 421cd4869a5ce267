import styles from "./lessons.module.css";

/** Links to the RFC and XEP sections a lesson or step teaches, with their titles. */
export function SpecLinks({ specs }: { specs: readonly { label: string; title: string; url: string }[] }) {
  return (
    <ul className={styles.specs} aria-label="Spec sections">
      {specs.map((spec) => (
        <li key={spec.label}>
          <a href={spec.url} target="_blank" rel="noopener noreferrer" title={spec.title}>
            {spec.label}
          </a>{" "}
          <span className="hint">{spec.title}</span>
        </li>
      ))}
    </ul>
  );
}
