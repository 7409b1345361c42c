package mqttout

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edgeinfer/edgeinfer/camera/mqttout/mqtttest"
)

// pki writes a CA, a server certificate for 127.0.0.1 and a client
// certificate, all signed by the CA, as PEM files in dir.
func pki(t *testing.T, dir string) (ca, serverCert, serverKey, clientCert, clientKey string) {
	t.Helper()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	writeKey := func(name string, k *ecdsa.PrivateKey) string {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return write(name, "PRIVATE KEY", der)
	}
	now := time.Now()
	caKey := newKey()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "edgeinfer test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, cn string, usage x509.ExtKeyUsage, ips []net.IP) ([]byte, *ecdsa.PrivateKey) {
		k := newKey()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IPAddresses: ips,
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, k
	}
	sDER, sKey := issue(2, "127.0.0.1", x509.ExtKeyUsageServerAuth, []net.IP{net.IPv4(127, 0, 0, 1)})
	cDER, cKey := issue(3, "camera", x509.ExtKeyUsageClientAuth, nil)
	return write("ca.pem", "CERTIFICATE", caDER),
		write("server.pem", "CERTIFICATE", sDER), writeKey("server.key", sKey),
		write("client.pem", "CERTIFICATE", cDER), writeKey("client.key", cKey)
}

// A broker that wants TLS with client certificates and a password: the
// publisher gets through with the right ones and is refused otherwise.
func TestTLSClientCertAndPassword(t *testing.T) {
	passwd := mqtttest.Tool(t, "mosquitto_passwd")
	dir := t.TempDir()
	ca, sCert, sKey, cCert, cKey := pki(t, dir)
	pwFile := filepath.Join(dir, "passwd")
	if out, err := exec.Command(passwd, "-b", "-c", pwFile, "cam", "s3cret").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	b := mqtttest.StartBroker(t, strings.Join([]string{
		"allow_anonymous false", "password_file " + pwFile,
		"cafile " + ca, "certfile " + sCert, "keyfile " + sKey, "require_certificate true", ""}, "\n"))
	args := append(b.Args(), "--cafile", ca, "--cert", cCert, "--key", cKey, "-u", "cam", "-P", "s3cret")
	live := mqtttest.Subscribe(t, args, "edgeinfer/tls/#")

	url := "ssl://" + b.Addr()
	p, err := New(Config{Broker: url, Device: "tls", CAFile: ca, CertFile: cCert, KeyFile: cKey,
		Username: "cam", Password: "s3cret", Logf: testLogf(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Connect(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if m := live.Next("edgeinfer/tls/availability", 5*time.Second); m.Payload != "online" {
		t.Errorf("availability %q", m.Payload)
	}
	p.PublishEvent([]byte(`{"label":"cat"}`))
	if m := live.Next("edgeinfer/tls/event", 5*time.Second); m.Payload != `{"label":"cat"}` {
		t.Errorf("event %q", m.Payload)
	}
	p.Close()

	// Each refusal names its reason (the last failed attempt's error).
	for _, c := range []struct {
		name, reason string
		cfg          Config
	}{
		{"wrong password", "not Authorized", Config{Broker: url, Device: "bad1", CAFile: ca, CertFile: cCert, KeyFile: cKey, Username: "cam", Password: "nope"}},
		{"no client cert", "", Config{Broker: url, Device: "bad2", CAFile: ca, Username: "cam", Password: "s3cret"}},
		{"unknown CA", "certificate signed by unknown authority", Config{Broker: url, Device: "bad3", CertFile: cCert, KeyFile: cKey, Username: "cam", Password: "s3cret"}},
	} {
		p, err := New(c.cfg)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		err = p.Connect(1500 * time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "not reached within") || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: connect error %v, want one naming %q", c.name, err, c.reason)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
		p.Close()
	}
}
