"""Common given names in the kiosk's languages and those of the shoppers around them.

Only used where a phrase is ambiguous: "ik ben Jan" introduces a name, "ik ben Blij"
(typed with a capital) does not. A name missing here is still caught after an
unambiguous phrase ("mijn naam is ...") or with a surname ("I'm Xander Bos"). Names that
are also everyday words after "I am" / "أنا" (Hope, Joy, سعيد "happy", راضي "satisfied")
are left out on purpose.
"""

from __future__ import annotations

from ces.scrub.words import word_list

GIVEN_NAMES = word_list(
    """
    aad adam adrie adriaan agnes aisha albert alex alexander alexandra ali alice alicia
    amber amelie amélie amy an ana andré andre andrea andreas andrzej ania anita anja anke
    ann anna anne anneke annemarie annemiek annette annie anouk antoine anton arjan arnold
    arthur astrid aurélie aurelie ayoub ayşe ayse bart bas basia bastiaan beatrix benjamin
    ben bernard bert betty bianca birgit bilal bram brigitte britt bruno burak büşra busra
    camille can carla carlos carmen caroline catherine cees cem charlotte chloé chloe chris
    christa christian christine christophe claire clara claudia coen cor corrie daan
    daniel daniela danielle david dennis derya dieter dirk dominika dominique dorien
    ebru edwin elena elif elisabeth elise élise ella els elsa emily emine emma emre eric
    erik esra esther eva evelien ewa fabian fatima fatma femke fenna fleur floor florian
    frank frans françoise francoise frédéric frederic fred freek friedrich gabriel geert
    gerard gerda gerrit gert gijs gisela greet greta grzegorz guido günter gunter gül
    hamza hanna hannah hanneke hans harm harry hasan hatice heike heinz helen helena helga
    helmut hendrik henk henri hennie herman hilde hugo hüseyin huseyin ibrahim ilse inge
    ingrid inès ines isabel isabelle iris jaap jack jacob jacques jakub jan jana janine
    janneke jannes jasper jean jelle jens jeroen jerzy jessica jesse joanna jochem joep
    johan johanna johannes john jonas joost joris jos jose josé joseph julia julian julie
    julien jürgen jurgen jules justin kamil karel karim karin karl karolina kasia
    katarzyna kathrin katrin katrien kees kemal kerem khadija kim klaas klaus koen kübra
    kubra lars laura lea léa lena leon léon lieke lies lieve linda lisa liam lieven lotte
    louis luc lucas lucy luuk łukasz lukasz maarten magdalena małgorzata malgorzata manon
    manfred marc marcel marcin marco marek margaux margot maria marie marieke marijke
    marina mario mark marloes martha martijn martin mateusz mathieu matthias max maxime
    mehmet melanie merel merve mia michael michał michal michel michelle mieke milan
    mohamed mohammed monika monique murat mustafa nadia natalia nathalie nicolas niels
    nina noah noor nora nour olga olivier olivia ömer omer onur oliver oskar patrick paul
    paula paweł pawel peter petra philippe pierre piet pieter piotr quinten rachid rachel
    ralf ramon rebecca renate rené rene richard rik rob robert robin roel rolf ronald ruben
    rudi rudy ruud sabine sam samira sander sandra sanne sara sarah saskia selin sem
    serkan sevda sietse simon sjaak sofie sophie stefan stephanie steven susanne suzanne
    sven sylvie thijs thomas thomas tim tina tine tineke tobias tom tomasz ton tuğba tugba
    ursula valentina vera victor vincent volkan walter werner wendy wilhelm willem wim
    wojciech wolfgang wouter yasemin yasmina yassine youssef yusuf yvonne zeynep zofia
    zoë zoe

    magda gosia ola asia kuba bartek marta ewelina justyna paulina weronika wiktoria
    zuzanna maja szymon filip bartosz dawid damian sebastian rafał rafal artur dariusz
    mariusz janusz stanisław stanislaw henryk kazimierz józef jozef elżbieta elzbieta
    jadwiga halina irena danuta beata iwona dorota jolanta teresa grażyna grazyna wanda
    bożena bozena sylwia izabela patrycja kinga agata agnieszka aleksandra barbara
    krystyna krzysztof joanna
    abdullah abdullah ahmet ayhan aylin aysel ayten bahar barış baris berk berkay betül
    betul bülent bulent cansu ceren cihan deniz dilek doğan dogan duygu ece eda egemen
    engin erdem erkan esma fadime ferhat fırat firat gamze gizem gökhan gokhan gülsüm
    hakan halil hande ilker irem ismail kaan kadir koray leyla mahmut melek melike meltem
    mert metin nazlı nazli nesrin nihat nur oğuz oguz orhan osman özge ozge özlem ozlem
    pınar pinar ramazan recep rukiye sedat selim semra serap sibel sinan songül songul
    süleyman suleyman şule sule tarık tarik tolga tuba uğur ugur ümit umit yağmur yagmur
    yavuz yıldız yildiz yunus zehra
    aaron adrian alan albert amanda andrew angela anthony arthur ashley barbara benjamin
    beth brian carol catherine charles charlie chloe christopher daniel deborah donald
    dorothy edward eleanor elizabeth emma ethan evelyn freya george gary grace hannah
    harry heather helen henry isabella isla jack jacob james jane jason jennifer jessica
    joan joe joseph joshua karen kate katherine kathleen kevin laura liam linda lily
    lisa lucy luke margaret matthew megan michelle mike naomi nancy nathan nicholas
    nicola oliver olivia oscar patricia paul rachel rebecca richard robert ryan samuel
    sandra sarah scott sharon simon sophia stephen steve steven susan thomas timothy
    victoria william zoe
    alexander andreas anja annika bernd birgit brigitte christoph claudia daniela detlef
    dirk doris elke erika felix finn florian franziska gabriele gerd gerhard gudrun
    günther gunther hannelore heidi heinrich herbert holger horst ilse ingeborg jan jörg
    jorg josef jutta karin karl-heinz katharina kerstin klaus lukas manuela marion markus
    martina matthias maximilian monika nicole norbert otto paul petra rainer ralf regina
    reinhard renate rita roland rüdiger sabine sebastian silke simone stefanie susanne
    thorsten torsten ulrich ulrike uwe volker waltraud wilhelm wolfgang
    adèle adele agathe alain albane alexandre amandine anaïs anais antoinette arnaud
    baptiste benoît benoit bernadette brigitte cécile cecile charles chantal christelle
    claude clément clement colette corinne damien delphine denis didier dominique
    éloïse eloise émilie emilie émile emile étienne etienne fabien fabrice florence
    françois francois gaëlle gaelle geneviève genevieve gérard gerard gilles guillaume
    hélène helene henri jacqueline jérôme jerome joëlle joelle josiane laurent léon
    louise lucie ludovic madeleine marc marcel margot marguerite martine maurice
    mélanie mireille nadine noémie noemie océane oceane odile pascal pascale patrice
    pauline renée romain sandrine sébastien sebastien solène solene stéphane stephane
    suzanne sylvain thérèse therese thibault valérie valerie véronique veronique vincent
    virginie yann yves
    aad anneloes annelies arie bep cornelis dewi dick diederik dingeman douwe evert
    gerben gerrie gertjan ghislaine hendrika hetty hilde jacoba jans jeanine jelmer
    jikke joke jolanda jorien josje karlijn kirsten klazina lianne lieke lonneke maaike
    marjan marjolein marleen martine mieke mirjam nienke pim remco rianne rien riet rik
    rineke roelof roos ruud sietske sjoerd stijn teun tjeerd tjitske truus wilma wybren
    yara ymke

    آمنة أحمد احمد أسماء اسماء أمينة امينة إبراهيم ابراهيم إيمان ايمان بلال جمال حسن
    حسين حمزة خالد خديجة رانيا رشيد زينب سارة سامي سلمى طارق عائشة عادل عبدالله عبد
    عثمان علي عمر فاطمة ليلى محمد محمود مريم مصطفى منى نادية نبيل هبة هدى وليد ياسر
    ياسمين يوسف يوسف أيوب ايوب سمير سميرة رضا زكريا إلياس الياس نوال لمياء حنان سعاد
    """
)
