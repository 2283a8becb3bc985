package redact

import "testing"

// TestTokenChecksums checks the vendor token checksums on tokens whose
// checksum is known to hold and on the same tokens with one character
// changed. The valid GitHub tokens are public, revoked ones (classic ones
// from public scanners' test tables, fine-grained ones from public code);
// the age key is the example identity of the age specification (C2SP
// age.md); the npm token was generated for this test with Python:
//
//	b = "UPRigB87hTZVhtXSP1AnVoAHZaBInI"; n = zlib.crc32(b.encode())
//	b + base62(n).rjust(6, "0")  # alphabet 0-9A-Za-z
func TestTokenChecksums(t *testing.T) {
	crc := []string{
		"M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V4",                                         // ghp_
		"sbUsUmRNn8X74dFU0DJ9Fm1mvdCgtH474T38",                                         // ghp_
		"vr0nUtGPA6FMaUb56n4uJwJAoWuVfV4OdycX",                                         // gho_
		"TIOHHEVefAwRonSMALCFfWMYK0un1R1dj2rn",                                         // ghu_
		"xgrrGzSbbGRL34Wp39JU9nxtN27Pr1v1He8FjE7x7wbExGGs7nfJszJDAmZuoKasxZ0KxJ1HSzgc", // ghr_, 76 characters
		"UPRigB87hTZVhtXSP1AnVoAHZaBInI2ovuQQ",                                         // npm_
	}
	fine := []string{
		"11AAYCBDQ0tjwxY3uiVv5v_lo8vfONwp06Vaq9ORB7pSxWM1UT5wSEuqxoxNv15mbAJTNMO62SdeYHLyzV",
		"11A6CLM6A0975YJxuGAhPH_ohtwg8IZLgbCA0U7c5ZwG2O5gK10058Y9uSbzQ6iiaOGMC7OGRYZwbUr0Vt",
		"11ABTISDQ0kcYPEIGJRKAN_8S0OuvdLHiYBP87pPds50u1tM1XjluVWICYXNmJIhaUTF5F5FXOhk5p2vbY",
	}
	age := "GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for _, v := range crc {
		if !crc32Base62(v) {
			t.Errorf("crc32Base62(%q) = false, want true", v)
		}
		for _, i := range []int{0, len(v) / 2, len(v) - 1} {
			if w := flip(v, i); crc32Base62(w) {
				t.Errorf("crc32Base62(%q) = true, want false", w)
			}
		}
	}
	for _, v := range fine {
		if valid, ok := githubFineGrainedSum(v); !valid || !ok {
			t.Errorf("githubFineGrainedSum(%q) = %v, %v, want true, true", v, valid, ok)
		}
		for _, i := range []int{3, 40, 70} {
			if w := flip(v, i); !githubPATSum(v) || githubPATSum(w) {
				t.Errorf("githubPATSum(%q) = true, want false", w)
			}
		}
	}
	if _, ok := githubFineGrainedSum("11ABCDEFG0123456789_abcdefghijklmnop"); ok {
		t.Errorf("githubFineGrainedSum judged a body of another shape")
	}
	if !ageKeySum(age) {
		t.Errorf("ageKeySum(%q) = false, want true", age)
	}
	for _, i := range []int{0, 20, len(age) - 1} {
		if w := flip(age, i); ageKeySum(w) {
			t.Errorf("ageKeySum(%q) = true, want false", w)
		}
	}
}
