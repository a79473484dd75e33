import { describe, expect, it } from 'vitest';
import { backportsStanza, findReleaseSource, hasBackports, parseDeb822, parseOneLine, parseSourcesFile } from '../../src/conform/kernel/apt-sources.js';
import { moduleDepends, newestPackage } from '../../src/conform/kernel/packages.js';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

const ONE_LINE = `# main archive
deb [arch=amd64 signed-by=/etc/apt/keyrings/mirror.gpg] http://mirror.internal.example/debian bookworm main contrib non-free-firmware
deb-src http://mirror.internal.example/debian bookworm main
deb http://security.internal.example/debian-security bookworm-security main
`;

describe('apt sources: adding bookworm-backports on the configured archive', () => {
  it('deb822: reuses the release entry (not -security), its components and key', () => {
    const sources = parseDeb822(DEB822);
    expect(sources).toHaveLength(2);
    const rel = findReleaseSource(sources, 'bookworm');
    expect(rel?.uris).toEqual(['http://deb.debian.org/debian']);
    expect(hasBackports(sources, 'bookworm')).toBe(false);
    const text = backportsStanza(rel!, 'bookworm');
    const added = parseDeb822(text);
    expect(added).toEqual([
      {
        types: ['deb'],
        uris: ['http://deb.debian.org/debian'],
        suites: ['bookworm-backports'],
        components: ['main'],
        signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
        disabled: false,
      },
    ]);
    expect(hasBackports([...sources, ...added], 'bookworm')).toBe(true);
  });

  it('one-line format: reads [options], skips deb-src and comments, keeps the mirror address', () => {
    const sources = parseOneLine(ONE_LINE);
    expect(sources.map((s) => s.types[0])).toEqual(['deb', 'deb-src', 'deb']);
    const rel = findReleaseSource(sources, 'bookworm');
    expect(rel?.uris).toEqual(['http://mirror.internal.example/debian']);
    expect(rel?.signedBy).toBe('/etc/apt/keyrings/mirror.gpg');
    const text = backportsStanza(rel!, 'bookworm');
    expect(text).toContain('URIs: http://mirror.internal.example/debian\n');
    expect(text).toContain('Suites: bookworm-backports\n');
    expect(text).toContain('Components: main\n');
    expect(text).not.toContain('deb.debian.org');
  });

  it('recognises backports already configured, and ignores a disabled entry', () => {
    const withBp = parseSourcesFile('x.list', `${ONE_LINE}deb http://mirror.internal.example/debian bookworm-backports main\n`);
    expect(hasBackports(withBp, 'bookworm')).toBe(true);
    const disabled = parseSourcesFile('bp.sources', 'Types: deb\nURIs: http://a/debian\nSuites: bookworm-backports\nComponents: main\nEnabled: no\n');
    expect(hasBackports(disabled, 'bookworm')).toBe(false);
  });

  it('finds no release entry when only security is configured (nothing to reuse)', () => {
    const sec = parseOneLine('deb http://security.internal.example/debian-security bookworm-security main\n');
    expect(findReleaseSource(sec, 'bookworm')).toBeUndefined();
  });
});

describe('kernel package selection', () => {
  it('picks the newest 6.1 ABI numerically, ignoring cloud and rt flavours', () => {
    const out = [
      'linux-image-6.1.0-9-amd64-unsigned - Linux 6.1 for 64-bit PCs',
      'linux-image-6.1.0-57-cloud-amd64-unsigned - Linux 6.1 for x86-64 cloud',
      'linux-image-6.1.0-57-amd64-unsigned - Linux 6.1 for 64-bit PCs',
      'linux-image-6.1.0-41-amd64-unsigned - Linux 6.1 for 64-bit PCs',
      'linux-image-6.1.0-58-rt-amd64-unsigned - Linux 6.1 for 64-bit PCs, PREEMPT_RT',
    ].join('\n');
    expect(newestPackage('6.1', out)).toBe('linux-image-6.1.0-57-amd64-unsigned');
  });

  it('picks the newest 6.12 point release from backports', () => {
    const out = [
      'linux-image-6.12.95+deb12-amd64-unsigned - Linux 6.12 for 64-bit PCs',
      'linux-image-6.12.117+deb12-amd64-unsigned - Linux 6.12 for 64-bit PCs',
      'linux-image-6.12.113+deb12-amd64-unsigned - Linux 6.12 for 64-bit PCs',
      'linux-image-6.12.119+deb12-cloud-amd64-unsigned - Linux 6.12 for x86-64 cloud',
    ].join('\n');
    expect(newestPackage('6.12', out)).toBe('linux-image-6.12.117+deb12-amd64-unsigned');
    expect(newestPackage('6.12', 'linux-image-6.1.0-57-amd64-unsigned - x')).toBeUndefined();
  });

  it('reads a module dependency list from its .modinfo strings', () => {
    const ko = Buffer.concat([Buffer.from('\x7fELF junk\0license=GPL\0depends=mbcache,jbd2,crc16\0retpoline=Y\0'), Buffer.alloc(8)]);
    expect(moduleDepends(ko)).toEqual(['mbcache', 'jbd2', 'crc16']);
    expect(moduleDepends(Buffer.from('\0depends=\0name=loop\0'))).toEqual([]);
  });
});
