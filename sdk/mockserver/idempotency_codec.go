package mockserver

import (
	"encoding/binary"
	"errors"
	"slices"
)

// A tiny compressor for remembered responses. flate would need a 640 KB table reset per
// message (tens of µs per create) and gains little on ~400 bytes; these responses are mostly
// the same JSON keys, scope names and one repeated timestamp, so a static dictionary of
// those plus back-references into the message itself takes a create response from ~400 to
// ~130 bytes in about a microsecond.
//
// Encoding: a byte < 0x80 is itself; 0x80+i is dictionary entry i; codeRef is followed by
// uvarint distance and uvarint length of a copy from the output so far; codeLit is followed
// by one literal byte (any byte >= 0x80); codeUUID is followed by the 16 bytes of a UUID
// written in lower-case canonical form (ids and owners: 36 characters that neither the
// dictionary nor a back-reference can shorten).
//
// Responses remembered by a previous release (in a database, for 24 h) must still decode:
// entries are only ever appended to the dictionary, never changed, removed or reordered.
const (
	codeUUID = 0xFD
	codeRef  = 0xFE
	codeLit  = 0xFF
	minRef   = 5 // a reference costs 3–4 bytes
)

var (
	codecDict    []string
	codecByFirst [256][]uint8 // entry indexes by first byte, longest first
)

func init() {
	d := []string{
		"201\nContent-Type: application/json\n\n{\"allowed_ips\":[",
		"200\nContent-Type: application/json\n\n{\"allowed_ips\":[",
		"\nContent-Type: application/json", "\n\n", "{\"allowed_ips\":[",
		"],\"created_at\":\"20", "],\"created_at\":\"",
		"Z\",\"enabled\":true,\"expires_at\":null,\"id\":\"", "Z\",\"enabled\":false,\"expires_at\":null,\"id\":\"",
		"Z\",\"enabled\":true,\"expires_at\":\"20", "Z\",\"enabled\":false,\"expires_at\":\"20",
		"\",\"enabled\":", "\",\"expires_at\":", "Z\",\"id\":\"", "\",\"id\":\"",
		"\",\"last_used_at\":null,\"name\":\"", "\",\"last_used_at\":\"20", "Z\",\"name\":\"", "\",\"name\":\"",
		"\",\"owner\":\"admin\",\"scopes\":[\"", "\",\"owner\":\"", "\",\"scopes\":[\"",
		"\"],\"status\":\"active\",\"token\":\"thk_", "\"],\"status\":\"", "\",\"token\":\"thk_",
		"\",\"token_hint\":\"thk_", "\",\"updated_at\":\"20", "Z\"}\n", "\"}\n",
		"active", "disabled", "expired", "admin", "null", "true", "false", "\",\"", "\":\"",
	}
	for _, sc := range catalogue {
		d = append(d, string(sc.Name))
	}
	// Appended for tokens with owners (owner ids, shared, disabled_reason): without them a
	// create response compressed to ~216 bytes instead of ~130, and the remembered
	// responses became the largest part of the server's memory.
	d = append(d,
		"Z\",\"disabled_reason\":null,\"enabled\":true,\"expires_at\":null,\"id\":\"",
		"Z\",\"disabled_reason\":null,\"enabled\":false,\"expires_at\":null,\"id\":\"",
		"Z\",\"disabled_reason\":null,\"enabled\":true,\"expires_at\":\"20",
		"Z\",\"disabled_reason\":null,\"enabled\":false,\"expires_at\":\"20",
		"Z\",\"disabled_reason\":\"", "token_disabled", "owner_disabled",
		"\"],\"shared\":false,\"status\":\"active\",\"token\":\"thk_",
		"\"],\"shared\":true,\"status\":\"active\",\"token\":\"thk_",
		"\"],\"shared\":false,\"status\":\"", "\"],\"shared\":true,\"status\":\"",
		"\"],\"shared\":", "\",\"token_hint\":\"thk_", "\",\"last_used_at\":null,\"name\":\"",
	)
	// Appended for the end of a rotation's overlap (previous_secret_expires_at).
	d = append(d, "\",\"previous_secret_expires_at\":null,\"scopes\":[\"", "\",\"previous_secret_expires_at\":\"20")
	if len(d) > codeUUID-0x80 {
		panic("mockserver: codec dictionary too large")
	}
	codecDict = d
	for i, e := range d {
		codecByFirst[e[0]] = append(codecByFirst[e[0]], uint8(i))
	}
	for b := range codecByFirst {
		slices.SortStableFunc(codecByFirst[b], func(x, y uint8) int { return len(d[y]) - len(d[x]) })
	}
}

// compress appends the encoding of src to dst.
func compress(dst, src []byte) []byte {
	var last [1 << 10]int32 // hash of 4 bytes -> last position + 1 (0: none)
	hash := func(i int) uint32 { return binary.LittleEndian.Uint32(src[i:]) * 2654435761 >> 22 }
	for i := 0; i < len(src); {
		dictLen, dictCode := 0, 0
		for _, e := range codecByFirst[src[i]] {
			if s := codecDict[e]; len(s) <= len(src)-i && string(src[i:i+len(s)]) == s {
				dictLen, dictCode = len(s), 0x80+int(e)
				break
			}
		}
		uuidOK := dictLen == 0 && isLowerUUID(src[i:])
		refLen, refDist := 0, 0
		if i+4 <= len(src) {
			h := hash(i)
			if p := int(last[h]) - 1; p >= 0 {
				n := 0
				for i+n < len(src) && src[p+n] == src[i+n] {
					n++
				}
				if n >= minRef {
					refLen, refDist = n, i-p
				}
			}
		}
		step := 1
		switch {
		case uuidOK && refLen < 2*uuidLen/3:
			dst = append(dst, codeUUID)
			dst = appendUUIDBytes(dst, src[i:i+uuidLen])
			step = uuidLen
		case refLen > 0 && refLen-3 > dictLen-1:
			dst = append(dst, codeRef)
			dst = binary.AppendUvarint(dst, uint64(refDist))
			dst = binary.AppendUvarint(dst, uint64(refLen))
			step = refLen
		case dictLen > 0:
			dst = append(dst, byte(dictCode))
			step = dictLen
		case src[i] >= 0x80:
			dst = append(dst, codeLit, src[i])
		default:
			dst = append(dst, src[i])
		}
		for end := i + step; i < end; i++ {
			if i+4 <= len(src) {
				last[hash(i)] = int32(i + 1)
			}
		}
	}
	return dst
}

var errCodec = errors.New("mockserver: corrupt compressed response")

// decompress reverses compress.
func decompress(src []byte) ([]byte, error) {
	out := make([]byte, 0, 3*len(src))
	for i := 0; i < len(src); {
		b := src[i]
		i++
		switch {
		case b < 0x80:
			out = append(out, b)
		case b == codeLit:
			if i >= len(src) {
				return nil, errCodec
			}
			out = append(out, src[i])
			i++
		case b == codeUUID:
			if len(src)-i < 16 {
				return nil, errCodec
			}
			out = appendUUIDText(out, src[i:i+16])
			i += 16
		case b == codeRef:
			dist, n1 := binary.Uvarint(src[i:])
			if n1 <= 0 {
				return nil, errCodec
			}
			length, n2 := binary.Uvarint(src[i+n1:])
			if n2 <= 0 || dist == 0 || dist > uint64(len(out)) || length > 1<<20 {
				return nil, errCodec
			}
			i += n1 + n2
			// Byte by byte: a reference may overlap the bytes it produces.
			for p := len(out) - int(dist); length > 0; length-- {
				out = append(out, out[p])
				p++
			}
		default:
			if int(b-0x80) >= len(codecDict) {
				return nil, errCodec
			}
			out = append(out, codecDict[b-0x80]...)
		}
	}
	return out, nil
}

const uuidLen = 36

// isLowerUUID reports whether b starts with a UUID in lower-case canonical form
// (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), the only spelling codeUUID restores.
func isLowerUUID(b []byte) bool {
	if len(b) < uuidLen {
		return false
	}
	for i, c := range b[:uuidLen] {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return false
			}
		}
	}
	return true
}

func appendUUIDBytes(dst, text []byte) []byte {
	var u [16]byte
	j := 0
	for i := 0; i < uuidLen; i++ {
		if text[i] == '-' {
			continue
		}
		u[j/2] |= unhex(text[i]) << (4 * (1 - j%2))
		j++
	}
	return append(dst, u[:]...)
}

func appendUUIDText(dst, u []byte) []byte {
	const digits = "0123456789abcdef"
	for i, b := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, digits[b>>4], digits[b&0xF])
	}
	return dst
}

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}
