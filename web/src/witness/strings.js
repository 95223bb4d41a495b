// witness/strings.js: the strings of witness marks and vouches, in
// English, Russian and Kazakh, merged into i18n.js's table (which the
// unit test checks for the same keys, forms and slots in every
// language).  Kept apart so the cards' other strings stay where they are.

const P = (one, other, few = other, many = other) => ({ one, few, many,
    other });

export const WITNESS_STRINGS = {
en: {
	w_state_unverified: 'not verified',
	w_state_corroborated: 'corroborated',
	w_state_disputed: 'disputed',
	w_state_contested: 'contested',
	w_confirmed: P('confirmed by {n}', 'confirmed by {n}'),
	w_disputed: P('disputed by {n}', 'disputed by {n}'),
	w_of_them_vouched: P('{n} of them vouched for', '{n} of them vouched ' +
	    'for'),
	w_all_vouched: P('vouched for ({n})', 'all {n} vouched for'),
	w_none: 'No witnesses yet.',
	w_c_fresh_hour: P('{n} confirmation from a key first seen in the last ' +
	    'hour', '{n} confirmations from keys first seen in the last hour'),
	w_c_fresh_day: P('{n} confirmation from a key first seen today',
	    '{n} confirmations from keys first seen today'),
	w_c_history: P('{n} confirmation from a key known here a day or more',
	    '{n} confirmations from keys known here a day or more'),
	w_d_fresh_hour: P('{n} dispute from a key first seen in the last hour',
	    '{n} disputes from keys first seen in the last hour'),
	w_d_fresh_day: P('{n} dispute from a key first seen today',
	    '{n} disputes from keys first seen today'),
	w_d_history: P('{n} dispute from a key known here a day or more',
	    '{n} disputes from keys known here a day or more'),
	w_rule: 'Counted: each person once, their last word. Someone you or ' +
	    'this node met in person counts 1, someone they met 1/2, keys known ' +
	    'here a day or more 1/4 (1 at most together), new keys nothing: ' +
	    'anyone can make many keys. Corroborated needs 3 and three times ' +
	    'the disputes.',
	w_who_title: 'Who said what',
	w_confirm: 'I saw this too',
	w_dispute: 'This is not true',
	w_retract: 'Take back my mark',
	w_comment: 'What you saw (optional, public)',
	w_send_confirm: 'Sign and confirm',
	w_send_dispute: 'Sign and dispute',
	w_you_confirmed: 'You confirmed this.',
	w_you_disputed: 'You disputed this.',
	w_own_report: 'Your own report: others can confirm it.',
	w_need_key: 'To confirm or dispute, create your key on the key page.',
	w_sent: 'Signed and sent.',
	w_level_you: 'you',
	w_level_own: 'this node\u2019s operator',
	w_level_hop1: 'met in person by you or this node\u2019s operator',
	w_level_hop2: 'met in person by {who}',
	w_level_history: 'known here a day or more',
	w_level_fresh: 'new key',
	w_first_seen: 'first seen here {ago}',
	w_first_via: 'came through {kind} {name}',
	w_first_here: 'came from a phone on this node',
	w_reports: P('{n} report here', '{n} reports here'),
	w_self: 'the author: not counted',
	w_retracted: 'took their mark back',
	w_omitted: P('{n} more not listed', '{n} more not listed'),
	w_filter: 'Only corroborated',
	w_filter_info: P('{n} corroborated of {total} shown.', '{n} ' +
	    'corroborated of {total} shown.'),
	w_err: 'The node did not say who confirmed this.',
	w_vouch_link: 'Vouch for people you met',
	v_title: 'People I met',
	v_help: 'Vouch for someone you met face to face: their confirmations ' +
	    'then count for you and for people who trust you. Never vouch for a ' +
	    'key you did not check in person.',
	v_my_code: 'My code',
	v_my_qr: 'QR code of my key, for the other phone',
	v_check_code: 'Check code',
	v_scan: 'Photograph their QR code',
	v_scan_help: 'The camera opens; take a photo of the QR code on their ' +
	    'screen (My key, People I met).',
	v_scan_wait: 'Reading the photo…',
	v_scan_none: 'No QR code found in that photo. Try again, closer and ' +
	    'steadier.',
	v_scan_bad: 'That QR code does not hold a key.',
	v_code_label: 'Or type their code (8 letters and digits)',
	v_code_find: 'Find',
	v_code_bad: 'A code has 8 letters and digits, as their screen shows it.',
	v_code_none: 'No key with that code on this node yet. Their phone ' +
	    'must post here or set a name first; or photograph their QR code.',
	v_code_many: 'Several keys have that code: photograph their QR code ' +
	    'instead.',
	v_found: 'Their key',
	v_compare: 'Their screen must show this same check code. Compare ' +
	    'every group:',
	v_note: 'Where you met (optional, public)',
	v_yes: 'I met this person: vouch',
	v_done: 'Vouched. It is listed below; you can revoke it there.',
	v_mine: P('I vouch for {n} person', 'I vouch for {n} people'),
	v_none: 'You vouch for nobody yet.',
	v_revoke: 'Revoke',
	v_revoked: 'Revoked.',
	v_self: 'That is your own key.',
	v_need_key: 'Create your key first: a vouch is signed with it.',
},
ru: {
	w_state_unverified: 'не подтверждено',
	w_state_corroborated: 'подтверждено',
	w_state_disputed: 'опровергается',
	w_state_contested: 'спорно',
	w_confirmed: P('подтвердил {n}', 'подтвердили {n}', 'подтвердили {n}',
	    'подтвердили {n}'),
	w_disputed: P('опроверг {n}', 'опровергли {n}', 'опровергли {n}',
	    'опровергли {n}'),
	w_of_them_vouched: P('из них {n} с поручительством', 'из них {n} с ' +
	    'поручительством'),
	w_all_vouched: P('с поручительством ({n})', 'все {n} с ' +
	    'поручительством'),
	w_none: 'Свидетелей пока нет.',
	w_c_fresh_hour: P('{n} подтверждение от ключа, впервые замеченного за ' +
	    'последний час', '{n} подтверждений от ключей, впервые замеченных ' +
	    'за последний час', '{n} подтверждения от ключей, впервые ' +
	    'замеченных за последний час'),
	w_c_fresh_day: P('{n} подтверждение от ключа, впервые замеченного ' +
	    'сегодня', '{n} подтверждений от ключей, впервые замеченных сегодня',
	    '{n} подтверждения от ключей, впервые замеченных сегодня'),
	w_c_history: P('{n} подтверждение от ключа, известного здесь день и ' +
	    'больше', '{n} подтверждений от ключей, известных здесь день и ' +
	    'больше', '{n} подтверждения от ключей, известных здесь день и ' +
	    'больше'),
	w_d_fresh_hour: P('{n} опровержение от ключа, впервые замеченного за ' +
	    'последний час', '{n} опровержений от ключей, впервые замеченных ' +
	    'за последний час', '{n} опровержения от ключей, впервые ' +
	    'замеченных за последний час'),
	w_d_fresh_day: P('{n} опровержение от ключа, впервые замеченного ' +
	    'сегодня', '{n} опровержений от ключей, впервые замеченных сегодня',
	    '{n} опровержения от ключей, впервые замеченных сегодня'),
	w_d_history: P('{n} опровержение от ключа, известного здесь день и ' +
	    'больше', '{n} опровержений от ключей, известных здесь день и ' +
	    'больше', '{n} опровержения от ключей, известных здесь день и ' +
	    'больше'),
	w_rule: 'Как считаем: каждый человек один раз, по последнему слову. ' +
	    'Тот, кого вы или оператор узла встретили лично, считается за 1, ' +
	    'тот, кого встретили они, за 1/2, ключи, известные здесь день и ' +
	    'больше, за 1/4 (вместе не больше 1), новые ключи за 0: ключей ' +
	    'можно наделать сколько угодно. Для «подтверждено» нужно 3 и втрое ' +
	    'больше, чем опровержений.',
	w_who_title: 'Кто что сказал',
	w_confirm: 'Я тоже это видел(а)',
	w_dispute: 'Это неправда',
	w_retract: 'Отозвать мою отметку',
	w_comment: 'Что вы видели (необязательно, видно всем)',
	w_send_confirm: 'Подписать и подтвердить',
	w_send_dispute: 'Подписать и опровергнуть',
	w_you_confirmed: 'Вы это подтвердили.',
	w_you_disputed: 'Вы это опровергли.',
	w_own_report: 'Это ваше сообщение: подтвердить его могут другие.',
	w_need_key: 'Чтобы подтвердить или опровергнуть, создайте ключ на ' +
	    'странице ключа.',
	w_sent: 'Подписано и отправлено.',
	w_level_you: 'вы',
	w_level_own: 'оператор этого узла',
	w_level_hop1: 'лично знаком(а) вам или оператору узла',
	w_level_hop2: 'лично знаком(а) с {who}',
	w_level_history: 'известен здесь день и больше',
	w_level_fresh: 'новый ключ',
	w_first_seen: 'впервые замечен здесь {ago}',
	w_first_via: 'пришёл через {kind} {name}',
	w_first_here: 'пришёл с телефона у этого узла',
	w_reports: P('{n} сообщение здесь', '{n} сообщений здесь',
	    '{n} сообщения здесь'),
	w_self: 'автор: не считается',
	w_retracted: 'отозвал(а) отметку',
	w_omitted: P('ещё {n} не показан', 'ещё {n} не показаны'),
	w_filter: 'Только подтверждённые',
	w_filter_info: P('Подтверждено {n} из {total} показанных.',
	    'Подтверждено {n} из {total} показанных.'),
	w_err: 'Узел не сообщил, кто это подтвердил.',
	w_vouch_link: 'Поручиться за тех, кого встретили',
	v_title: 'Люди, которых я встретил(а)',
	v_help: 'Поручитесь за того, кого встретили лично: тогда его ' +
	    'подтверждения считаются для вас и для тех, кто доверяет вам. ' +
	    'Никогда не ручайтесь за ключ, который не проверили при встрече.',
	v_my_code: 'Мой код',
	v_my_qr: 'QR-код моего ключа, для другого телефона',
	v_check_code: 'Код для сверки',
	v_scan: 'Сфотографировать их QR-код',
	v_scan_help: 'Откроется камера: сфотографируйте QR-код на их экране ' +
	    '(Ключ, Люди, которых я встретил).',
	v_scan_wait: 'Читаю фото…',
	v_scan_none: 'На фото не найден QR-код. Попробуйте ещё раз, ближе и ' +
	    'ровнее.',
	v_scan_bad: 'В этом QR-коде нет ключа.',
	v_code_label: 'Или введите их код (8 букв и цифр)',
	v_code_find: 'Найти',
	v_code_bad: 'В коде 8 букв и цифр, как на их экране.',
	v_code_none: 'На этом узле пока нет ключа с таким кодом. Пусть их ' +
	    'телефон сначала что-нибудь опубликует или укажет имя; или ' +
	    'сфотографируйте их QR-код.',
	v_code_many: 'Такой код у нескольких ключей: лучше сфотографируйте ' +
	    'их QR-код.',
	v_found: 'Их ключ',
	v_compare: 'На их экране должен быть этот же код для сверки. ' +
	    'Сравните каждую группу:',
	v_note: 'Где вы встретились (необязательно, видно всем)',
	v_yes: 'Я встретил(а) этого человека: поручиться',
	v_done: 'Поручительство отправлено. Оно в списке ниже, там его можно ' +
	    'отозвать.',
	v_mine: P('Я ручаюсь за {n} человека', 'Я ручаюсь за {n} человек',
	    'Я ручаюсь за {n} человек'),
	v_none: 'Вы пока ни за кого не поручились.',
	v_revoke: 'Отозвать',
	v_revoked: 'Отозвано.',
	v_self: 'Это ваш собственный ключ.',
	v_need_key: 'Сначала создайте ключ: поручительство подписывается им.',
},
kk: {
	w_state_unverified: 'расталмаған',
	w_state_corroborated: 'расталған',
	w_state_disputed: 'теріске шығарылған',
	w_state_contested: 'даулы',
	w_confirmed: P('растаған: {n}', 'растағандар: {n}'),
	w_disputed: P('теріске шығарған: {n}', 'теріске шығарғандар: {n}'),
	w_of_them_vouched: P('оның {n} кепілдікпен', 'олардың {n} кепілдікпен'),
	w_all_vouched: P('кепілдікпен ({n})', '{n} бәрі кепілдікпен'),
	w_none: 'Әзірге куә жоқ.',
	w_c_fresh_hour: P('соңғы сағатта алғаш көрінген кілттен {n} растау',
	    'соңғы сағатта алғаш көрінген кілттерден {n} растау'),
	w_c_fresh_day: P('бүгін алғаш көрінген кілттен {n} растау',
	    'бүгін алғаш көрінген кілттерден {n} растау'),
	w_c_history: P('мұнда бір күннен бері белгілі кілттен {n} растау',
	    'мұнда бір күннен бері белгілі кілттерден {n} растау'),
	w_d_fresh_hour: P('соңғы сағатта алғаш көрінген кілттен {n} теріске ' +
	    'шығару', 'соңғы сағатта алғаш көрінген кілттерден {n} теріске ' +
	    'шығару'),
	w_d_fresh_day: P('бүгін алғаш көрінген кілттен {n} теріске шығару',
	    'бүгін алғаш көрінген кілттерден {n} теріске шығару'),
	w_d_history: P('мұнда бір күннен бері белгілі кілттен {n} теріске ' +
	    'шығару', 'мұнда бір күннен бері белгілі кілттерден {n} теріске ' +
	    'шығару'),
	w_rule: 'Қалай саналады: әр адам бір рет, соңғы сөзі бойынша. Сіз ' +
	    'немесе түйін операторы өзі кездескен адам 1, олар кездескен адам ' +
	    '1/2, мұнда бір күннен бері белгілі кілттер 1/4 (бәрі бірге 1-ден ' +
	    'аспайды), жаңа кілттер 0: кілтті кез келген адам көп жасай алады. ' +
	    '«Расталған» болу үшін 3 және теріске шығарудан үш есе көп керек.',
	w_who_title: 'Кім не деді',
	w_confirm: 'Мен де көрдім',
	w_dispute: 'Бұл шындық емес',
	w_retract: 'Белгімді қайтарып алу',
	w_comment: 'Не көрдіңіз (міндетті емес, бәріне көрінеді)',
	w_send_confirm: 'Қол қойып, растау',
	w_send_dispute: 'Қол қойып, теріске шығару',
	w_you_confirmed: 'Сіз мұны растадыңыз.',
	w_you_disputed: 'Сіз мұны теріске шығардыңыз.',
	w_own_report: 'Бұл сіздің хабарламаңыз: оны басқалар растай алады.',
	w_need_key: 'Растау немесе теріске шығару үшін кілт бетінде кілт ' +
	    'жасаңыз.',
	w_sent: 'Қол қойылып, жіберілді.',
	w_level_you: 'сіз',
	w_level_own: 'осы түйіннің операторы',
	w_level_hop1: 'сізбен немесе түйін операторымен кездескен',
	w_level_hop2: '{who} кездескен адам',
	w_level_history: 'мұнда бір күннен бері белгілі',
	w_level_fresh: 'жаңа кілт',
	w_first_seen: 'мұнда алғаш көрінгені: {ago}',
	w_first_via: '{kind} {name} арқылы келген',
	w_first_here: 'осы түйіндегі телефоннан келген',
	w_reports: P('мұнда {n} хабарлама', 'мұнда {n} хабарлама'),
	w_self: 'автор: саналмайды',
	w_retracted: 'белгісін қайтарып алды',
	w_omitted: P('тағы {n} көрсетілмеген', 'тағы {n} көрсетілмеген'),
	w_filter: 'Тек расталғандар',
	w_filter_info: P('Көрсетілген {total} хабарламаның {n} расталған.',
	    'Көрсетілген {total} хабарламаның {n} расталған.'),
	w_err: 'Түйін мұны кім растағанын айтпады.',
	w_vouch_link: 'Кездескен адамдарға кепіл болу',
	v_title: 'Мен кездескен адамдар',
	v_help: 'Өзіңіз бетпе-бет кездескен адамға кепіл болыңыз: сонда оның ' +
	    'растаулары сіз үшін және сізге сенетіндер үшін саналады. ' +
	    'Кездесуде тексермеген кілтке ешқашан кепіл болмаңыз.',
	v_my_code: 'Менің кодым',
	v_my_qr: 'Менің кілтімнің QR-коды, басқа телефон үшін',
	v_check_code: 'Тексеру коды',
	v_scan: 'Оның QR-кодын суретке түсіру',
	v_scan_help: 'Камера ашылады: оның экранындағы QR-кодты суретке ' +
	    'түсіріңіз (Кілт, Мен кездескен адамдар).',
	v_scan_wait: 'Сурет оқылуда…',
	v_scan_none: 'Суреттен QR-код табылмады. Жақынырақ әрі тұрақты ұстап, ' +
	    'қайталап көріңіз.',
	v_scan_bad: 'Бұл QR-кодта кілт жоқ.',
	v_code_label: 'Немесе оның кодын енгізіңіз (8 әріп пен сан)',
	v_code_find: 'Табу',
	v_code_bad: 'Кодта оның экранындағыдай 8 әріп пен сан бар.',
	v_code_none: 'Бұл түйінде әзірге мұндай кодты кілт жоқ. Алдымен оның ' +
	    'телефоны мұнда бірдеңе жарияласын не атын қойсын; немесе QR-кодын ' +
	    'суретке түсіріңіз.',
	v_code_many: 'Бұл код бірнеше кілтте бар: оның орнына QR-кодын ' +
	    'суретке түсіріңіз.',
	v_found: 'Оның кілті',
	v_compare: 'Оның экранында дәл осы тексеру коды болуы керек. Әр ' +
	    'топты салыстырыңыз:',
	v_note: 'Қайда кездестіңіз (міндетті емес, бәріне көрінеді)',
	v_yes: 'Мен бұл адаммен кездестім: кепіл болу',
	v_done: 'Кепілдік жіберілді. Ол төмендегі тізімде, сонда оны қайтарып ' +
	    'алуға болады.',
	v_mine: P('Мен {n} адамға кепілмін', 'Мен {n} адамға кепілмін'),
	v_none: 'Сіз әзірге ешкімге кепіл болған жоқсыз.',
	v_revoke: 'Қайтарып алу',
	v_revoked: 'Қайтарып алынды.',
	v_self: 'Бұл сіздің өз кілтіңіз.',
	v_need_key: 'Алдымен кілт жасаңыз: кепілдікке сонымен қол қойылады.',
},
};
