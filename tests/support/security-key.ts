// A security key in software, for tests that run a WebAuthn ceremony without a browser: it makes
// an ES256 credential for a relying party and signs challenges with it, answering in the JSON a
// browser's PublicKeyCredential.toJSON() gives. CBOR is @simplewebauthn's encoder; the keys and
// signatures are node:crypto's.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest();

// authenticatorData flags: user present, user verified, attested credential data included.
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export class SecurityKey {
	readonly credentialId = randomBytes(32);
	private readonly privateKey: KeyObject;
	private readonly cosePublicKey: Uint8Array;
	private signCount = 0;
	private readonly origin: string;

	constructor(origin: string) {
		this.origin = origin;
		const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		this.privateKey = privateKey;
		const jwk = publicKey.export({ format: 'jwk' });
		// COSE_Key: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
		this.cosePublicKey = isoCBOR.encode(
			new Map<number, number | Uint8Array>([
				[1, 2],
				[3, -7],
				[-1, 1],
				[-2, Buffer.from(jwk.x!, 'base64url')],
				[-3, Buffer.from(jwk.y!, 'base64url')]
			])
		);
	}

	get id(): string {
		return b64url(this.credentialId);
	}

	private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string) {
		return Buffer.from(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
	}

	private authenticatorData(rpId: string, flags: number, attested?: Uint8Array) {
		const count = Buffer.alloc(4);
		count.writeUInt32BE(this.signCount);
		return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
	}

	/** navigator.credentials.create() with the options' relying party and challenge. */
	register(options: { challenge: string; rp: { id?: string } }) {
		const idLength = Buffer.alloc(2);
		idLength.writeUInt16BE(this.credentialId.length);
		const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, this.cosePublicKey]);
		const authData = this.authenticatorData(options.rp.id ?? 'localhost', UP | UV | AT, attested);
		const attestationObject = isoCBOR.encode(
			new Map<string, string | Map<string, never> | Uint8Array>([
				['fmt', 'none'],
				['attStmt', new Map()],
				['authData', authData]
			])
		);
		return {
			id: this.id,
			rawId: this.id,
			type: 'public-key',
			response: {
				clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)),
				attestationObject: b64url(attestationObject),
				transports: ['usb']
			},
			clientExtensionResults: {}
		};
	}

	/** navigator.credentials.get(): signs the challenge, counting up as a key does. */
	assert(options: { challenge: string; rpId?: string }) {
		this.signCount += 1;
		const authData = this.authenticatorData(options.rpId ?? 'localhost', UP | UV);
		const clientDataJSON = this.clientData('webauthn.get', options.challenge);
		const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
		return {
			id: this.id,
			rawId: this.id,
			type: 'public-key',
			response: {
				clientDataJSON: b64url(clientDataJSON),
				authenticatorData: b64url(authData),
				signature: b64url(signature)
			},
			clientExtensionResults: {}
		};
	}
}
