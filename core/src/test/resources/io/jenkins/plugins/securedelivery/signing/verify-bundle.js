// Verifies a Sigstore bundle made with a public key, offline, with the npm package @sigstore/verify: the peer
// SigstoreVerifyInteropTest checks our bundles against. Usage: node verify-bundle.js BUNDLE.json KEY.pub
// Exit 0 and "verified <predicateType> <subject sha256>" on success; exit 1 and the verifier's error otherwise.
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { toSignedEntity, toTrustMaterial, Verifier } = require('@sigstore/verify');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const [bundlePath, keyPath] = process.argv.slice(2);
try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const spki = crypto.createPublicKey(fs.readFileSync(keyPath, 'utf8')).export({ type: 'spki', format: 'der' });
  const hint = bundle.verificationMaterial.content.publicKey.hint;
  // No Fulcio, Rekor, CT log or TSA: trust comes from the key alone, as with cosign --key --insecure-ignore-tlog.
  const root = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
  });
  const trust = toTrustMaterial(root, { [hint]: { rawBytes: spki } });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString('utf8'));
  console.log('verified ' + statement.predicateType + ' ' + statement.subject.map((s) => s.digest.sha256).join(','));
} catch (e) {
  console.log('not verified: ' + (e.code ? e.code + ' ' : '') + e.message);
  process.exit(1);
}
