// The C writer of the console protocol (../kernel/protocol.ts): crc32 and
// length in front of every payload, a newline before it so a record starts a
// line even after unterminated kernel output, one write(2) per record.
//
// Exists on its own so a test can compile it and check that the TypeScript
// parser accepts exactly what the C side frames.

import { RECORD_PREFIX } from '../kernel/protocol.js';

export const C_EMIT = `\
static uint32_t crc32_of(const char *s, size_t n)
{
\tuint32_t crc = 0xffffffffu;
\tfor (size_t i = 0; i < n; i++) {
\t\tcrc ^= (unsigned char)s[i];
\t\tfor (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
\t}
\treturn ~crc;
}

static void emit(const char *fmt, ...)
{
\tchar payload[1536], line[1700];
\tva_list ap;
\tva_start(ap, fmt);
\tvsnprintf(payload, sizeof payload, fmt, ap);
\tva_end(ap);
\tsize_t len = strlen(payload);
\tint n = snprintf(line, sizeof line, "\\n${RECORD_PREFIX} %zu %08x %s\\n", len, crc32_of(payload, len), payload);
\tfor (int off = 0; off < n;) {
\t\tssize_t w = write(1, line + off, (size_t)(n - off));
\t\tif (w <= 0) { if (errno == EINTR) continue; break; }
\t\toff += (int)w;
\t}
}
`;
