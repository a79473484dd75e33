// Reading apt's configured sources to add the backports suite of the same archive.
//
// Exists because Linux 6.12 comes from `<codename>-backports`, and the only
// network this project may reach is the Debian archive apt is already set up
// with: the backports entry must reuse that address (never a hard-coded mirror).
// Pure functions over file texts; the caller reads and writes the files.

/** One apt source entry, whatever the file format it came from. */
export interface AptSource {
  readonly types: readonly string[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** Signed-By / [signed-by=…] when given. */
  readonly signedBy?: string;
  /** The entry is disabled (Enabled: no). */
  readonly disabled?: boolean;
}

/** Parse a deb822 `.sources` file: stanzas separated by blank lines, `#` comments. */
export function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  const stanzas = text.split(/\n\s*\n/);
  for (const stanza of stanzas) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const raw of stanza.split('\n')) {
      if (/^\s*#/.test(raw) || raw.trim() === '') continue;
      if (/^\s/.test(raw) && last !== undefined) {
        // continuation line (e.g. an inline Signed-By key)
        fields.set(last, `${fields.get(last)}\n${raw.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(raw);
      if (!m) continue;
      last = m[1].toLowerCase();
      fields.set(last, m[2].trim());
    }
    if (!fields.has('uris') || !fields.has('suites')) continue;
    const words = (k: string): string[] => (fields.get(k) ?? '').split(/\s+/).filter((w) => w !== '');
    out.push({
      types: words('types'),
      uris: words('uris'),
      suites: words('suites'),
      components: words('components'),
      signedBy: fields.get('signed-by'),
      disabled: /^(no|false|0)$/i.test(fields.get('enabled') ?? 'yes'),
    });
  }
  return out;
}

/** Parse a one-line-format `sources.list`: `deb [opts] uri suite comp…`. */
export function parseOneLine(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    const opts = m[2] ?? '';
    const signed = /signed-by=(\S+)/.exec(opts);
    out.push({
      types: [m[1]],
      uris: [m[3]],
      suites: [m[4]],
      components: (m[5] ?? '').split(/\s+/).filter((w) => w !== ''),
      signedBy: signed?.[1],
    });
  }
  return out;
}

/** Parse one file by its name: `.sources` is deb822, anything else one-line. */
export function parseSourcesFile(name: string, text: string): AptSource[] {
  return name.endsWith('.sources') ? parseDeb822(text) : parseOneLine(text);
}

/**
 * The archive entry to extend: an enabled binary (`deb`) entry carrying the
 * plain release suite `codename` (not -security, not -updates). Undefined when
 * apt has no such entry (then backports cannot be added without guessing a host).
 */
export function findReleaseSource(sources: readonly AptSource[], codename: string): AptSource | undefined {
  return sources.find((s) => !s.disabled && s.types.includes('deb') && s.suites.includes(codename));
}

/** Whether some enabled entry already carries `<codename>-backports`. */
export function hasBackports(sources: readonly AptSource[], codename: string): boolean {
  return sources.some((s) => !s.disabled && s.types.includes('deb') && s.suites.includes(`${codename}-backports`));
}

/** The deb822 text of a backports entry on the same archive address(es) as `release`. */
export function backportsStanza(release: AptSource, codename: string): string {
  const lines = [
    '# Added by loopcheck conform: Linux 6.12 comes from the backports suite of the archive already configured.',
    'Types: deb',
    `URIs: ${release.uris.join(' ')}`,
    `Suites: ${codename}-backports`,
    `Components: ${release.components.includes('main') ? 'main' : release.components.join(' ') || 'main'}`,
  ];
  if (release.signedBy !== undefined && !release.signedBy.includes('\n')) lines.push(`Signed-By: ${release.signedBy}`);
  return `${lines.join('\n')}\n`;
}
