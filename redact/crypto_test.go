package redact

import "testing"

// TestCryptoAddresses checks the address validators against the examples of
// BIP 173, BIP 350 and EIP 55 and well-known Base58Check addresses, and
// against the same addresses with one character changed.
func TestCryptoAddresses(t *testing.T) {
	valid := []string{
		// Base58Check: the genesis block's address (P2PKH) and a P2SH one.
		"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
		"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "3Ai1JZ8pdJb2ksieUV8FsxSNVJCpoPi8W6",
		// BIP 173 (version 0, Bech32) and BIP 350 (versions 1-16, Bech32m).
		"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
		"bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
		"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
		"BC1SW50QGDZ25J", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
		// EIP 55: mixed case with the checksum, all upper, all lower.
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
		"0x52908400098527886E0F7030069857D2E4169EE7", "0xde709f2102306220921060314715629080e2fb77",
	}
	invalid := []string{
		"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", "11A1zP1eP5QGefi2DMPTfTL5SLmv7Divf",
		"bc1qw508d6qejxtdg4c5r3zarvary0c5xw7kv8f3t4",                                                // one character changed
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",                            // Bech32 checksum on version 1
		"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4x", "Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", // glued; mixed case
		"bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", // another network's checksum
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
	}
	r := Default()
	for _, a := range valid {
		fs := r.Find("addr " + a + " end")
		if len(fs) != 1 || fs[0].Category != CryptoAddress || fs[0].End-fs[0].Start != len(a) {
			t.Errorf("%s: found %v, want one CRYPTO_ADDRESS", a, fs)
		}
	}
	for _, a := range invalid {
		for _, f := range r.Find("addr " + a + " end") {
			if f.Category == CryptoAddress {
				t.Errorf("%s: found %v", a, f)
			}
		}
	}
}
