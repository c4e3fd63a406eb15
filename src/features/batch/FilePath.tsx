// A file's path that may wrap on a narrow screen, but only after a "/" or inside a long name, never inside
// the extension ("frame-01.p" / "ng").

export function FilePath({ path }: { path: string }) {
  const slash = path.lastIndexOf('/');
  const folders = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  // The extension stays with the last few letters of the name, so it never starts a line on its own.
  const glued = dot > 0 ? Math.max(0, dot - 4) : name.length;
  const parts = folders.split('/').filter(Boolean);
  return (
    <span className="path">
      {parts.map((p, i) => (
        <span key={i}>
          {p}/<wbr />
        </span>
      ))}
      <span className="path-name">{name.slice(0, glued)}</span>
      <span className="nowrap">{name.slice(glued)}</span>
    </span>
  );
}
