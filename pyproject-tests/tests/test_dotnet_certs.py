"""getpeercert() of the .NET TLS against OpenSSL's: AsyncioSharp.Ssl.SslModule._TestDecodeCert, the .NET twin of
ssl._ssl._test_decode_cert, must give stock CPython's dict for every certificate of CPython's Lib/test/certdata
(asynciosharp only)."""

import glob
import os
import ssl
import sys
import unittest

HOSTED = 'asynciosharp' in sys.modules


def certdata():
    """CPython's test certificates (those stock python3 can decode), or nothing when its test package is absent."""
    try:
        import test.support
    except ImportError:
        return []
    paths = []
    for path in sorted(glob.glob(os.path.join(os.path.dirname(test.support.__file__), '..', 'certdata', '*.pem'))):
        try:
            ssl._ssl._test_decode_cert(path)
        except ssl.SSLError:
            continue
        paths.append(path)
    return paths


@unittest.skipUnless(HOSTED, 'needs the asynciosharp host')
class DotnetCertificateDecodeTests(unittest.TestCase):
    def decode(self, path):
        from AsyncioSharp.Ssl import SslModule
        from asynciosharp._transports import _from_net
        return _from_net(SslModule._TestDecodeCert(path))

    def test_certdata_decodes_as_openssl(self):
        paths = certdata()
        if not paths:
            self.skipTest("CPython's Lib/test/certdata is not installed")
        for path in paths:
            with self.subTest(cert=os.path.basename(path)):
                expected = ssl._ssl._test_decode_cert(path)
                got = self.decode(path)
                # Field by field first, so a failure names the field.
                for key in expected.keys() | got.keys():
                    self.assertEqual(got.get(key), expected.get(key), key)
                self.assertEqual(list(got), list(expected))

    def test_every_alt_name_kind(self):
        paths = [p for p in certdata() if os.path.basename(p) == 'allsans.pem']
        if not paths:
            self.skipTest("CPython's Lib/test/certdata is not installed")
        kinds = {kind for kind, _ in self.decode(paths[0])['subjectAltName']}
        self.assertEqual(kinds, {'DNS', 'othername', 'email', 'DirName', 'URI', 'IP Address', 'Registered ID'})


if __name__ == '__main__':
    unittest.main()
