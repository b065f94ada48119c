// Files in Storage through the gateway, as the app reaches them: the attachments bucket's policies
// keep each person's files their own (two people and anon, every verb), a plan's room is enforced
// by the database, and the local storage server keeps storage-api's contract where it matters to
// security: no token, no access; a signed URL opens one object for one purpose; bytes go with rows.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@supabase/supabase-js';
import {
	adminClient,
	anonClient,
	dbUrl,
	finishAsWriter,
	isLocalStack,
	publishableKey,
	serviceRoleKey,
	signedUpUser,
	url
} from './supabase.ts';

const BUCKET = 'attachments';
const png = (label: string) =>
	new Blob([Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from(label)])], { type: 'image/png' });
const sha = async (blob: Blob) =>
	createHash('sha256')
		.update(Buffer.from(await blob.arrayBuffer()))
		.digest('hex');

/** What is really in the bucket under a folder, seen with the service role. */
async function folder(owner: string) {
	const { data, error } = await adminClient().storage.from(BUCKET).list(owner, { limit: 100 });
	if (error) throw error;
	return data.map((file) => file.name).sort();
}

describe.skipIf(!isLocalStack)('the attachments bucket', () => {
	it('keeps A’s files from B and from anon, for every verb, and nothing changes', async () => {
		const a = await signedUpUser('files-a');
		const b = await signedUpUser('files-b');
		const name = `${randomUUID()}.png`;
		const own = `${a.userId}/${name}`;
		const original = png('A’s screenshot');
		const uploaded = await a.client.storage.from(BUCKET).upload(own, original, { contentType: 'image/png' });
		expect(uploaded.error).toBeNull();

		for (const intruder of [b.client, anonClient()]) {
			const files = intruder.storage.from(BUCKET);
			expect((await files.download(own)).error).not.toBeNull();
			expect((await files.info(own)).error).not.toBeNull();
			expect((await files.exists(own)).data).toBe(false);
			expect((await files.list(a.userId)).data ?? []).toEqual([]);
			expect((await files.createSignedUrl(own, 60)).error).not.toBeNull();
			expect((await files.createSignedUploadUrl(`${a.userId}/planted.png`)).error).not.toBeNull();
			// Overwriting A's path, planting a file in A's folder, moving or removing A's file.
			expect((await files.upload(own, png('forged'), { upsert: true })).error).not.toBeNull();
			expect((await files.upload(`${a.userId}/planted.png`, png('planted'))).error).not.toBeNull();
			expect((await files.move(own, `${a.userId}/moved.png`)).error).not.toBeNull();
			expect((await files.remove([own])).data ?? []).toEqual([]);
		}

		// Nothing changed: the one file, with A's bytes.
		expect(await folder(a.userId)).toEqual([name]);
		const kept = await a.client.storage.from(BUCKET).download(own);
		expect(await sha(kept.data!)).toBe(await sha(original));
	});

	it('never changes a stored file, even for its owner: no overwrite, no move', async () => {
		const a = await signedUpUser('files-immutable');
		const own = `${a.userId}/${randomUUID()}.png`;
		const original = png('first');
		expect((await a.client.storage.from(BUCKET).upload(own, original)).error).toBeNull();
		const again = await a.client.storage.from(BUCKET).upload(own, png('second'), { upsert: true });
		expect(again.error).not.toBeNull();
		expect((await a.client.storage.from(BUCKET).move(own, `${a.userId}/elsewhere.png`)).error).not.toBeNull();
		const kept = await a.client.storage.from(BUCKET).download(own);
		expect(await sha(kept.data!)).toBe(await sha(original));
	});

	it('refuses a file once the plan’s room is used, and says what is used', async () => {
		const a = await signedUpUser('files-quota');
		const { data: usage } = await a.client.rpc('storage_usage');
		expect(usage).toEqual([{ used_bytes: 0, limit_bytes: 200 * 1024 * 1024 }]);

		await adminClient().auth.admin.updateUserById(a.userId, { app_metadata: { storage_limit_mb: 0 } });
		const refused = await a.client.storage.from(BUCKET).upload(`${a.userId}/${randomUUID()}.png`, png('no room'));
		expect(refused.error?.message).toBe('new row violates row-level security policy');
		expect(await folder(a.userId)).toEqual([]);
		expect((await a.client.rpc('storage_usage')).data).toEqual([{ used_bytes: 0, limit_bytes: 0 }]);

		// Anon has no usage to ask about.
		expect((await anonClient().rpc('storage_usage')).error).not.toBeNull();
	});

	it('tells each person their own usage only, and exposes none of its private helpers', async () => {
		const a = await signedUpUser('usage-a');
		const b = await signedUpUser('usage-b');
		const file = png('counted');
		await a.client.storage.from(BUCKET).upload(`${a.userId}/${randomUUID()}`, file);
		expect((await a.client.rpc('storage_usage')).data).toEqual([
			{ used_bytes: file.size, limit_bytes: 200 * 1024 * 1024 }
		]);
		expect((await b.client.rpc('storage_usage')).data).toEqual([{ used_bytes: 0, limit_bytes: 200 * 1024 * 1024 }]);
		// The definer helpers behind the policies live in `private`, which PostgREST does not serve.
		for (const [name, args] of [
			['storage_usage_of', { p_user_id: a.userId }],
			['has_storage_room', { p_user_id: a.userId }],
			['is_shared_object', { p_name: `${a.userId}/x`, p_token: 'x' }],
			['message_files', { p_message_id: randomUUID() }]
		] as const) {
			const called = await b.client.rpc(name as never, args as never);
			expect(called.error?.code, name).toBe('PGRST202');
		}
	});
});

describe.skipIf(!isLocalStack)('chat_attachments', () => {
	async function chatWithFile(label: string) {
		const owner = await signedUpUser(label);
		const objectPath = `${owner.userId}/${randomUUID()}`;
		await owner.client.storage.from(BUCKET).upload(objectPath, png(label));
		const attachment = {
			name: 'screenshot.png',
			media_type: 'image/png',
			kind: 'image',
			size_bytes: 12,
			sha256: 'a'.repeat(64),
			object_path: objectPath
		};
		const messageId = randomUUID();
		const posted = await owner.client.rpc('post_message', {
			p_message_id: messageId,
			p_content: 'What is wrong here?',
			p_attachments: [attachment]
		});
		expect(posted.error).toBeNull();
		return { owner, messageId, sessionId: posted.data[0].session_id as string, attachment, rows: posted.data };
	}

	it('stores a message’s files with it; get_chat and every turn function return them', async () => {
		const { owner, sessionId, attachment, rows } = await chatWithFile('attach-own');
		const { data } = await owner.client.rpc('get_chat', { p_session_id: sessionId });
		const asked = data.find((row: { role: string }) => row.role === 'user');
		expect(asked.attachments).toEqual([
			expect.objectContaining({ name: 'screenshot.png', media_type: 'image/png', kind: 'image', size_bytes: 12 })
		]);

		// What a turn's model reads, in the same round trip: the file's path, and a document's text.
		type Row = { role: string; attachments: unknown; reply_id?: string; writer_token?: string };
		const filesOf = (turn: Row[]) => turn.find((row) => row.role === 'user')?.attachments;
		const modelFiles = [
			{
				name: 'screenshot.png',
				media_type: 'image/png',
				kind: 'image',
				object_path: attachment.object_path,
				text_content: null,
				text_cut: false
			}
		];
		expect(filesOf(rows)).toEqual(modelFiles);
		await finishAsWriter(rows[0].reply_id, rows[0].writer_token);
		const regenerated = await owner.client.rpc('regenerate_reply', { p_reply_id: rows[0].reply_id });
		expect(filesOf(regenerated.data)).toEqual(modelFiles);
		await finishAsWriter(regenerated.data[0].reply_id, regenerated.data[0].writer_token, 'Broke.', 'error');
		const restarted = await owner.client.rpc('restart_reply', { p_reply_id: regenerated.data[0].reply_id });
		expect(filesOf(restarted.data)).toEqual(modelFiles);
	});

	it('keeps A’s attachment rows from B and anon, and lets no one attach to another’s message', async () => {
		const { owner: a, messageId, sessionId, attachment } = await chatWithFile('attach-a');
		const b = await signedUpUser('attach-b');
		const bChat = await b.client.rpc('post_message', { p_message_id: randomUUID(), p_content: 'mine' });
		const bMessage = bChat.data.find((row: { role: string }) => row.role === 'user');

		for (const intruder of [b.client, anonClient()]) {
			expect((await intruder.from('chat_attachments').select('*').eq('message_id', messageId)).data ?? []).toEqual([]);
			const update = await intruder.from('chat_attachments').update({ name: 'renamed' }).eq('message_id', messageId);
			expect(update.error?.code).toBe('42501');
			const remove = await intruder.from('chat_attachments').delete().eq('message_id', messageId);
			expect(remove.error?.code).toBe('42501');
		}
		// B attaches to A's message, or points B's own message at a file in A's folder.
		const onTheirs = await b.client
			.from('chat_attachments')
			.insert({ ...attachment, session_id: sessionId, message_id: messageId, position: 1 });
		expect(onTheirs.error?.code).toBe('42501');
		const theirFile = await b.client
			.from('chat_attachments')
			.insert({ ...attachment, session_id: bChat.data[0].session_id, message_id: bMessage.id, position: 0 });
		expect(theirFile.error?.code).toBe('42501');
		const viaPost = await b.client.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: 'and this',
			p_attachments: [attachment]
		});
		expect(viaPost.error?.code).toBe('42501');

		// Nothing changed: A's one row, as stored; B has none.
		const mine = await a.client.from('chat_attachments').select('name, position').eq('message_id', messageId);
		expect(mine.data).toEqual([{ name: 'screenshot.png', position: 0 }]);
		expect((await b.client.from('chat_attachments').select('id')).data).toEqual([]);
		// The refused post stored nothing: B still has the one chat.
		expect((await b.client.from('chat_sessions').select('id')).data).toHaveLength(1);
	});
});

describe.skipIf(!isLocalStack)('files of a share', () => {
	const shareClient = (token: string) =>
		createClient(url, publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false },
			global: { headers: { 'x-share-token': token } }
		});

	async function sharedChatWithFile(label: string) {
		const owner = await signedUpUser(label);
		const objectPath = `${owner.userId}/${randomUUID()}`;
		await owner.client.storage.from(BUCKET).upload(objectPath, png(label));
		const posted = await owner.client.rpc('post_message', {
			p_message_id: randomUUID(),
			p_content: `Look at ${label}`,
			p_attachments: [
				{
					name: `${label}.png`,
					media_type: 'image/png',
					kind: 'image',
					size_bytes: 12,
					sha256: 'b'.repeat(64),
					object_path: objectPath
				}
			]
		});
		const sessionId = posted.data[0].session_id as string;
		const replyId = posted.data[0].reply_id as string;
		// A share holds finished messages: the reply is finished as its writer would.
		await finishAsWriter(replyId, posted.data[0].writer_token, 'Seen.');
		const { data: share } = await owner.client.rpc('create_share', { p_session_id: sessionId });
		const token = share[0].token as string;
		const { data: snapshot } = await anonClient().rpc('get_shared_chat', { p_token: token });
		const fileId = snapshot[0].messages[0].attachments[0].id as string;
		return { owner, objectPath, sessionId, token, fileId, snapshot: snapshot[0] };
	}

	it('names its files without saying where they are, and its token alone reads them', async () => {
		const shared = await sharedChatWithFile('shared-a');
		expect(shared.snapshot.messages[0].attachments).toEqual([
			{
				id: shared.fileId,
				name: 'shared-a.png',
				media_type: 'image/png',
				kind: 'image',
				size_bytes: 12,
				thumbnail: false
			}
		]);
		expect(JSON.stringify(shared.snapshot)).not.toContain(shared.owner.userId);

		const viewer = shareClient(shared.token);
		const file = await viewer.rpc('get_shared_file', { p_token: shared.token, p_id: shared.fileId });
		expect(file.data).toEqual([
			{
				name: 'shared-a.png',
				media_type: 'image/png',
				kind: 'image',
				object_path: shared.objectPath,
				thumbnail_path: null
			}
		]);
		const bytes = await viewer.storage.from(BUCKET).download(shared.objectPath);
		expect(Buffer.from(await bytes.data!.arrayBuffer()).includes('shared-a')).toBe(true);

		// Without the token, or with another share's, nothing; nor can the token reach another file.
		const other = await sharedChatWithFile('shared-b');
		expect((await anonClient().storage.from(BUCKET).download(shared.objectPath)).error).not.toBeNull();
		expect((await shareClient(other.token).storage.from(BUCKET).download(shared.objectPath)).error).not.toBeNull();
		expect((await viewer.rpc('get_shared_file', { p_token: shared.token, p_id: other.fileId })).data).toEqual([]);
		expect((await viewer.storage.from(BUCKET).download(other.objectPath)).error).not.toBeNull();
		// The token reads the share's files and nothing else of the owner's; it never writes or removes.
		const unshared = `${shared.owner.userId}/${randomUUID()}`;
		await shared.owner.client.storage.from(BUCKET).upload(unshared, png('not shared'));
		const listed = (await viewer.storage.from(BUCKET).list(shared.owner.userId)).data ?? [];
		expect(listed.map((file) => `${shared.owner.userId}/${file.name}`)).toEqual([shared.objectPath]);
		expect((await viewer.storage.from(BUCKET).download(unshared)).error).not.toBeNull();
		expect((await viewer.storage.from(BUCKET).upload(`${shared.owner.userId}/x.png`, png('x'))).error).not.toBeNull();
		expect((await viewer.storage.from(BUCKET).remove([shared.objectPath])).data ?? []).toEqual([]);
		expect(await folder(shared.owner.userId)).toHaveLength(2);

		// Revoked, the share reads nothing.
		await shared.owner.client.from('chat_shares').delete().eq('token', shared.token);
		expect((await viewer.storage.from(BUCKET).download(shared.objectPath)).error).not.toBeNull();
		expect((await viewer.rpc('get_shared_file', { p_token: shared.token, p_id: shared.fileId })).data).toEqual([]);
	});
});

describe.skipIf(!isLocalStack)('the local storage server', () => {
	const sql = postgres(dbUrl ?? '', { max: 1, onnotice: () => {} });
	const probeBucket = `probe-${randomUUID().slice(0, 8)}`;
	afterAll(async () => {
		const admin = adminClient();
		await admin.storage.emptyBucket(probeBucket);
		await admin.storage.deleteBucket(probeBucket);
		await sql.end();
	});

	it('answers a request without any token with jose’s words, and lists nothing', async () => {
		const response = await fetch(`${url}/storage/v1/bucket`);
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ statusCode: '403', message: 'Invalid Compact JWS' });
		const forged = await fetch(`${url}/storage/v1/object/list/${BUCKET}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${serviceRoleKey.slice(0, -4)}AAAA`, 'content-type': 'application/json' },
			body: JSON.stringify({ prefix: '' })
		});
		expect(await forged.json()).toMatchObject({ statusCode: '403', message: 'signature verification failed' });
	});

	it('opens one object with a signed URL, for downloading only, without an apikey', async () => {
		const a = await signedUpUser('signed');
		const files = a.client.storage.from(BUCKET);
		const [one, two] = [`${a.userId}/${randomUUID()}`, `${a.userId}/${randomUUID()}`];
		await files.upload(one, png('one'));
		await files.upload(two, png('two'));
		const { data } = await files.createSignedUrl(one, 60);
		const direct = await fetch(data!.signedUrl);
		expect(direct.status).toBe(200);
		expect(Buffer.from(await direct.arrayBuffer()).includes('one')).toBe(true);

		const token = new URL(data!.signedUrl).searchParams.get('token');
		const other = await fetch(`${url}/storage/v1/object/sign/${BUCKET}/${two}?token=${token}`);
		expect(await other.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature' });
		const upload = await fetch(`${url}/storage/v1/object/upload/sign/${BUCKET}/${one}?token=${token}`, {
			method: 'PUT',
			body: 'overwritten'
		});
		expect(await upload.json()).toMatchObject({ code: 'InvalidSignature', message: 'Token is not scoped for upload' });
		expect(Buffer.from(await (await files.download(one)).data!.arrayBuffer()).includes('one')).toBe(true);
	});

	it('refuses an upload over the bucket’s limit and keeps nothing; removal takes the bytes too', async () => {
		const admin = adminClient();
		expect((await admin.storage.createBucket(probeBucket, { public: false, fileSizeLimit: '1kb' })).error).toBeNull();
		const tooBig = await admin.storage.from(probeBucket).upload('big.bin', Buffer.alloc(2000));
		expect(tooBig.error).toMatchObject({ statusCode: '413', message: 'The object exceeded the maximum allowed size' });
		expect((await admin.storage.from(probeBucket).list('')).data).toEqual([]);

		await admin.storage.from(probeBucket).upload('small.bin', Buffer.alloc(10));
		const [row] =
			await sql`select version from storage.objects where bucket_id = ${probeBucket} and name = 'small.bin'`;
		const blob = path.join(process.cwd(), '.local-supabase', 'storage', row.version);
		expect(existsSync(blob)).toBe(true);
		expect((await admin.storage.from(probeBucket).remove(['small.bin'])).data).toHaveLength(1);
		expect(existsSync(blob)).toBe(false);
	});

	it('refuses a direct SQL delete of storage rows, as hosted Supabase does', async () => {
		const error = await sql`delete from storage.objects where bucket_id = ${probeBucket}`.catch((e: unknown) => e);
		expect(error).toMatchObject({ code: '42501' });
	});
});
