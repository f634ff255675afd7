S Mul kodus läks kodumasin katki .
A 1 3|||R:WO|||läks kodus|||REQUIRED|||-NONE-|||0

S Mulle vaja appi .
A 0 1|||R:NOM:FORM|||Mul|||REQUIRED|||-NONE-|||0
A 1 1|||M:LEX|||on|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||abi|||REQUIRED|||-NONE-|||0

S Mul on üks sõber kes teed , ja töötab remonti firmas .
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 5 6|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 6 7|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 7 8|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 9 11|||R:WS:SPELL|||remondifirmas|||REQUIRED|||-NONE-|||0
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||1
A 5 6|||R:VERB:FORM|||teeb|||REQUIRED|||-NONE-|||1
A 6 6|||M:LEX|||remonti|||REQUIRED|||-NONE-|||1
A 6 7|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1
A 9 11|||R:WS:SPELL|||remondifirmas|||REQUIRED|||-NONE-|||1

S Tere Paul , minu kodumasin läks katki , kas sa saad mulle aidata .
A 1 1|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 2 4|||R:PUNCT|||! Minu|||REQUIRED|||-NONE-|||0
A 7 8|||R:PUNCT|||. Kas|||REQUIRED|||-NONE-|||0
A 11 12|||R:NOM:FORM|||mind|||REQUIRED|||-NONE-|||0
A 13 14|||R:PUNCT|||?|||REQUIRED|||-NONE-|||0
A 1 1|||M:PUNCT|||,|||REQUIRED|||-NONE-|||1
A 2 4|||R:PUNCT|||! Minu|||REQUIRED|||-NONE-|||1
A 4 5|||R:LEX|||pesumasin|||REQUIRED|||-NONE-|||1
A 7 8|||R:PUNCT|||. Kas|||REQUIRED|||-NONE-|||1
A 11 12|||R:NOM:FORM|||mind|||REQUIRED|||-NONE-|||1
A 13 14|||R:PUNCT|||?|||REQUIRED|||-NONE-|||1

S Kodumasina firma on Bosh .
A 3 4|||R:SPELL|||Bosch|||REQUIRED|||-NONE-|||0

S Mina on homme tärve päev kodus , sa saad tulla juba kell kaheksas hommikul .
A 1 2|||R:VERB:FORM|||olen|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||terve|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||päeva|||REQUIRED|||-NONE-|||0
A 11 12|||R:NOM:FORM|||kella|||REQUIRED|||-NONE-|||0
A 12 13|||R:NOM:FORM|||kaheksast|||REQUIRED|||-NONE-|||0

S Ma ootan sind .
A 3 4|||R:PUNCT|||!|||REQUIRED|||-NONE-|||0

S Minu kodune adress on Teisepere --- .
A 2 3|||R:SPELL|||aadress|||REQUIRED|||-NONE-|||0

S või ennem helista mulle .
A 0 1|||R:CASE|||Või|||REQUIRED|||-NONE-|||0
A 1 2|||R:LEX|||enne|||REQUIRED|||-NONE-|||0
A 1 4|||R:WO|||helista mulle enne|||REQUIRED|||-NONE-|||0

S Minu telefoni number --- .
A 1 3|||R:WS|||telefoninumber|||REQUIRED|||-NONE-|||0
A 3 3|||M:LEX|||on|||REQUIRED|||-NONE-|||0

S Head aega .
A 2 3|||R:PUNCT|||!|||REQUIRED|||-NONE-|||0
S Tere Riho !
A 1 1|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Mul on üks häda .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Tulin tagasi koju kontorist täna ja mõtlesin et riided pesema põnna .
A 1 5|||R:WO|||täna kontorist tagasi koju|||REQUIRED|||-NONE-|||0
A 7 8|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 10 11|||R:SPELL|||panna|||REQUIRED|||-NONE-|||0
A 1 5|||R:WO|||täna kontorist tagasi koju|||REQUIRED|||-NONE-|||1
A 7 8|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
A 10 11|||R:SPELL|||panna|||REQUIRED|||-NONE-|||1

S Aga nägid et pesumasin ei tööta enam .
A 1 2|||R:VERB:FORM|||nägin|||REQUIRED|||-NONE-|||0
A 2 2|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Kui teil on aega homme õhtul siis palun tulge enda maja juurde ja kontrollige mis viga on masiniga .
A 3 6|||R:WO|||homme õhtul aega|||REQUIRED|||-NONE-|||0
A 6 6|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 9 10|||R:LEX|||minu|||REQUIRED|||-NONE-|||0
A 14 14|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 17 18|||R:NOM:FORM:SPELL|||masinal|||REQUIRED|||-NONE-|||0
A 15 18|||R:WO|||masinal viga on|||REQUIRED|||-NONE-|||0

S Ma küpsetan toitu valmis ja pakun teile mingi juua ka mis te tahate .
A 2 3|||R:NOM:FORM|||toidu|||REQUIRED|||-NONE-|||0
A 7 8|||R:LEX|||midagi|||REQUIRED|||-NONE-|||0
A 10 10|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 10 11|||R:NOM:FORM|||mida|||REQUIRED|||-NONE-|||0
A 12 13|||R:LEX|||soovite|||REQUIRED|||-NONE-|||0

S Parimat .
A 1 2|||R:PUNCT|||!|||REQUIRED|||-NONE-|||0
S Tere , minu kallis sõber .
A 5 6|||R:PUNCT|||!|||REQUIRED|||-NONE-|||0

S Tean , mul on katki kodumasin .
A 0 1|||R:VERB:FORM|||Tead|||REQUIRED|||-NONE-|||0
A 4 6|||R:WO|||kodumasin katki|||REQUIRED|||-NONE-|||0

S Kirjuta mulle , kas sa saad tulla , aidata mind .
A 7 8|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 8 9|||R:VERB:FORM|||aitama|||REQUIRED|||-NONE-|||0
A 8 10|||R:WO|||mind aitama|||REQUIRED|||-NONE-|||0

S Ma kutsun sind esmaspäeval kell üks .
A 4 5|||R:NOM:FORM|||kella|||REQUIRED|||-NONE-|||0
A 5 6|||R:NOM:FORM|||üheks|||REQUIRED|||-NONE-|||0

S Kaasa võtta instrumenti , remonti teha .
A 2 3|||R:NOM:FORM|||instrumendid|||REQUIRED|||-NONE-|||0
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||remondi|||REQUIRED|||-NONE-|||0
A 5 6|||R:LEX|||tegemiseks|||REQUIRED|||-NONE-|||0
A 6 7|||R:PUNCT|||!|||REQUIRED|||-NONE-|||0
A 1 2|||R:LEX:SPELL|||võta|||REQUIRED|||-NONE-|||1
A 0 2|||R:WO|||Võta kaasa|||REQUIRED|||-NONE-|||1
A 2 3|||R:NOM:FORM|||instrumendid|||REQUIRED|||-NONE-|||1
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1
A 4 5|||R:NOM:FORM|||remondi|||REQUIRED|||-NONE-|||1
A 5 6|||R:LEX|||tegemiseks|||REQUIRED|||-NONE-|||1

S Mul on pesumasin .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S ja ta on nanuke katki , ta on valge , töötaja Hiispaania .
A 0 1|||R:CASE|||Ja|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||natuke|||REQUIRED|||-NONE-|||0
A 5 7|||R:PUNCT|||. Ta|||REQUIRED|||-NONE-|||0
A 10 11|||R:LEX|||toodetud|||REQUIRED|||-NONE-|||0
A 11 12|||R:NOM:FORM:SPELL|||Hispaanias|||REQUIRED|||-NONE-|||0

S Kohtumiseni .
A 1 2|||R:PUNCT|||!|||REQUIRED|||-NONE-|||0
S Tere , Karl !
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mul on mikser läks katkei .
A 1 2|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 2 4|||R:WO|||läks mikser|||REQUIRED|||-NONE-|||0
A 4 5|||R:SPELL|||katki|||REQUIRED|||-NONE-|||0

S Minu on vaja teie appi .
A 0 1|||R:NOM:FORM|||Mul|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||abi|||REQUIRED|||-NONE-|||0
A 0 1|||R:NOM:FORM|||Mul|||REQUIRED|||-NONE-|||1
A 4 5|||R:NOM:FORM|||abi|||REQUIRED|||-NONE-|||1
A 2 5|||R:WO|||teie abi vaja|||REQUIRED|||-NONE-|||1

S Palun tuleb minu juurde täna , õhtupoole .
A 1 2|||R:VERB:FORM|||tulge|||REQUIRED|||-NONE-|||0
A 5 6|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 6 7|||R:WS|||õhtu poole|||REQUIRED|||-NONE-|||0
A 2 7|||R:WO|||täna õhtu poole minu juurde|||REQUIRED|||-NONE-|||0

S Me koos teie lahtii seda mikser .
A 1 1|||M:LEX|||võtame||teeme|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||teiega|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||lahti|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||selle|||REQUIRED|||-NONE-|||0
A 5 6|||R:NOM:FORM|||miksri|||REQUIRED|||-NONE-|||0
A 3 6|||R:WO|||selle miksri lahti|||REQUIRED|||-NONE-|||0

S Loodan , et meil kõik kätte sai .
A 3 4|||R:NOM:FORM|||meili|||REQUIRED|||-NONE-|||0
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 6 7|||R:VERB:FORM|||saite|||REQUIRED|||-NONE-|||0
A 3 7|||R:WO|||saite meili kätte|||REQUIRED|||-NONE-|||0

S Ette tänan abi eest .
A 0 4|||R:WO|||Tänan abi eest ette|||REQUIRED|||-NONE-|||0

S Ma ootan teid õhtupool .
A 3 4|||R:LEX|||õhtupoole|||REQUIRED|||-NONE-|||0
A 3 4|||R:WS:NOM:FORM|||õhtu poole|||REQUIRED|||-NONE-|||1

S Teie sõber , Tatjana .
A 2 3|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 4 5|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
S Tere !
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mul eile õhtul läks pesumasin katki .
A 1 4|||R:WO|||läks eile õhtul|||REQUIRED|||-NONE-|||0

S Kas sa aidaksid mulle ?
A 2 3|||R:SPELL|||aitaksid|||REQUIRED|||-NONE-|||0
A 3 4|||R:NOM:FORM|||mind|||REQUIRED|||-NONE-|||0

S Ma ei tea , mida mulle tegema .
A 5 6|||R:NOM:FORM|||ma|||REQUIRED|||-NONE-|||0
A 6 6|||M:LEX|||peaksin|||REQUIRED|||-NONE-|||0

S Kas sa tead , kus remondi teha kodumasinad ?
A 5 6|||R:NOM:FORM|||remonti|||REQUIRED|||-NONE-|||0
A 6 7|||R:VERB:FORM|||tehakse|||REQUIRED|||-NONE-|||0
A 7 8|||R:NOM:FORM|||kodumasinatele|||REQUIRED|||-NONE-|||0
A 5 8|||R:WO|||tehakse kodumasinatele remonti|||REQUIRED|||-NONE-|||0

S Abi eest ma kinkin sulle väga suur šokolaad .
A 3 4|||R:SPELL|||kingin|||REQUIRED|||-NONE-|||0
A 2 4|||R:WO|||kingin ma|||REQUIRED|||-NONE-|||0
A 6 7|||R:NOM:FORM|||suure|||REQUIRED|||-NONE-|||0
A 7 8|||R:NOM:FORM|||šokolaadi|||REQUIRED|||-NONE-|||0
S Ma tahan oma autot müüa .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
A 3 4|||R:NOM:FORM|||auto|||REQUIRED|||-NONE-|||1
A 4 4|||M:LEX|||maha|||REQUIRED|||-NONE-|||1

S Auto on ilus , must ja kaasaegne .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Auto hind on kaks tuhat eurot .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Te saate autot näha 10. mail aadressil Lai --- .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Tallinn .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minu telefoninumber on --- .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Te saate mulle emaili kirjutada aadressil --- .
A 3 4|||R:SPELL|||e-maili|||REQUIRED|||-NONE-|||0
A 3 5|||R:WO|||kirjutada e-maili|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||e-maili|||REQUIRED|||-NONE-|||1
S Tere kallis sõbrad !
A 1 1|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 1 2|||R:NOM:FORM|||kallid|||REQUIRED|||-NONE-|||0

S Ma soovin müüja oma auto .
A 2 3|||R:SPELL|||müüa|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||autot|||REQUIRED|||-NONE-|||0

S Minu auto on Mitžsubisi Grandis , halli varviline , 14 aastat vana , väga hea salon must varviline .
A 3 4|||R:SPELL|||Mitsubishi|||REQUIRED|||-NONE-|||0
A 7 8|||R:LEX:SPELL|||värvi|||REQUIRED|||-NONE-|||0
A 15 16|||R:SPELL|||salongiga|||REQUIRED|||-NONE-|||0
A 16 17|||R:NOM:FORM|||musta|||REQUIRED|||-NONE-|||0
A 17 18|||R:LEX:SPELL|||värvi|||REQUIRED|||-NONE-|||0
A 15 18|||R:WO|||musta värvi salongiga|||REQUIRED|||-NONE-|||0

S Auto hind on 5000 ebpo , ja tuleb soodustus 10 % .
A 4 5|||R:NOM:FORM:SPELL|||eurot|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||lisaks|||REQUIRED|||-NONE-|||0
A 8 11|||R:WO|||10 % soodustus|||REQUIRED|||-NONE-|||0

S Kui soovite helistage mulle telefoninumbril --- esmaspaevast-reedeni kella 9.00 kuni 17.00 .
A 1 1|||M:LEX|||autot|||REQUIRED|||-NONE-|||0
A 2 2|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 6 7|||R:WS:SPELL|||esmaspäevast reedeni|||REQUIRED|||-NONE-|||0

S Ma ootan !
A 0 1|||R:LEX|||Jään|||REQUIRED|||-NONE-|||0
A 1 2|||R:VERB:FORM|||ootama|||REQUIRED|||-NONE-|||0
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||1
S Müüa auto .
A 2 3|||R:PUNCT|||!|||REQUIRED|||-NONE-|||0
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||1

S Auto on Toyota Corolla .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Auto on 2015 aastat algus , Roheline värv .
A 3 3|||M:PUNCT|||.|||REQUIRED|||-NONE-|||0
A 3 4|||R:NOM:FORM|||aasta|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||algusest|||REQUIRED|||-NONE-|||0
A 6 7|||R:NOM:FORM:CASE|||rohelist|||REQUIRED|||-NONE-|||0
A 7 8|||R:NOM:FORM|||värvi|||REQUIRED|||-NONE-|||0

S Auto hind on odavam 1000 euro .
A 3 4|||R:NOM:FORM|||odav|||REQUIRED|||-NONE-|||0
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 5 6|||R:NOM:FORM|||eurot|||REQUIRED|||-NONE-|||0

S See auto on automaatiline karpi .
A 3 4|||R:LEX:NOM:FORM|||automaatse|||REQUIRED|||-NONE-|||0
A 4 5|||R:LEX:NOM:FORM|||käigukastiga|||REQUIRED|||-NONE-|||0
A 3 5|||R:LEX:WS|||automaatkastiga||automaatkäigukastiga|||REQUIRED|||-NONE-|||1

S Kui te soovite osta või vaadata see auto .
A 6 7|||R:NOM:FORM|||seda|||REQUIRED|||-NONE-|||0
A 7 8|||R:NOM:FORM|||autot|||REQUIRED|||-NONE-|||0
A 3 8|||R:WO|||seda autot osta või vaadata|||REQUIRED|||-NONE-|||0
A 6 7|||R:NOM:FORM|||seda|||REQUIRED|||-NONE-|||1
A 7 8|||R:NOM:FORM|||autot|||REQUIRED|||-NONE-|||1
A 3 8|||R:WO|||seda autot osta või vaadata|||REQUIRED|||-NONE-|||1
A 8 9|||R:PUNCT|||,|||REQUIRED|||-NONE-|||1
A 0 1|||R:LEX|||Kas|||REQUIRED|||-NONE-|||2
A 6 7|||R:NOM:FORM|||seda|||REQUIRED|||-NONE-|||2
A 7 8|||R:NOM:FORM|||autot|||REQUIRED|||-NONE-|||2
A 3 8|||R:WO|||seda autot osta või vaadata|||REQUIRED|||-NONE-|||2
A 8 9|||R:PUNCT|||?|||REQUIRED|||-NONE-|||2

S Auto asub Tartus , Pargi tn. --- .
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 0 1|||M:LEX|||siis auto|||REQUIRED|||-NONE-|||1
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1

S Saab tulla kolmapäeval ja neljapäeval kella kuuest kaheksani õhtul .
A 1 1|||M:LEX|||vaatama|||REQUIRED|||-NONE-|||0
A 0 1|||M:LEX|||Vaatama saab|||REQUIRED|||-NONE-|||1

S Auto ootada uued omanikud .
A 1 2|||R:VERB:FORM:SPELL|||ootab|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||uusi|||REQUIRED|||-NONE-|||0
A 3 4|||R:NOM:FORM|||omanikke|||REQUIRED|||-NONE-|||0
S ma soovin müüa oma autot .
A 0 1|||R:CASE|||Ma|||REQUIRED|||-NONE-|||0

S See auto on sinine Mazda 5 .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S auto on hea , huvitav ja ilus .
A 0 1|||R:CASE|||Auto|||REQUIRED|||-NONE-|||0

S See hind on 4,000 eurot .
A 0 1|||R:NOM:FORM|||Selle|||REQUIRED|||-NONE-|||0
A 3 4|||U:PUNCT|||4000|||REQUIRED|||-NONE-|||0

S Talv ja süvi rehviga ka .
A 0 1|||R:NOM:FORM:SPELL|||Talve-|||REQUIRED|||-NONE-|||0
A 2 4|||R:WS:NOM:FORM:SPELL|||suverehvidega|||REQUIRED|||-NONE-|||0
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0

S Sa saad näha tulla minu juurde .
A 2 2|||M:LEX|||autot|||REQUIRED|||-NONE-|||0
A 3 4|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 5 6|||R:LEX|||juures|||REQUIRED|||-NONE-|||0

S Minu kodune address on Sirbi --- .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Sa saad tulla esmaspäevast reedeni 9-17 või helistades telefonil --- ja siis broneeri aeg minuga .
A 6 6|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 7 8|||R:VERB:FORM|||helista|||REQUIRED|||-NONE-|||0
A 11 12|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 13 15|||R:WO|||minuga aeg|||REQUIRED|||-NONE-|||0
S Mul on üks suur must auto müügile .
A 6 7|||R:LEX|||müüa|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||müüa|||REQUIRED|||-NONE-|||1
A 2 7|||R:WO|||müüa üks suur must auto|||REQUIRED|||-NONE-|||1

S See auto on saksamaalt aga on regeeristud eestis .
A 3 4|||R:CASE|||Saksamaalt|||REQUIRED|||-NONE-|||0
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 6 7|||R:SPELL|||registreeritud|||REQUIRED|||-NONE-|||0
A 7 8|||R:CASE|||Eestis|||REQUIRED|||-NONE-|||0

S Mu auto on BMW , 2017 aastast .
A 4 5|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 6 6|||M:PUNCT|||.|||REQUIRED|||-NONE-|||0
A 6 7|||R:NOM:FORM|||aasta|||REQUIRED|||-NONE-|||0
A 3 7|||R:WO|||2017 . aasta BMW|||REQUIRED|||-NONE-|||0

S See auto on väga kiire ja ilus .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma mõtlen et 25,000 € on hea hind , aga kui saate osta helista mulle --- ja me räägime hindist .
A 2 2|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 3 4|||U:PUNCT|||25000|||REQUIRED|||-NONE-|||0
A 11 12|||R:LEX|||tahate|||REQUIRED|||-NONE-|||0
A 13 13|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 13 14|||R:VERB:FORM|||helistage|||REQUIRED|||-NONE-|||0
A 19 20|||R:SPELL|||hinnast|||REQUIRED|||-NONE-|||0
A 1 2|||R:LEX|||arvan|||REQUIRED|||-NONE-|||1
A 2 2|||M:PUNCT|||,|||REQUIRED|||-NONE-|||1
A 3 4|||U:PUNCT|||25000|||REQUIRED|||-NONE-|||1
A 11 12|||R:LEX|||tahate|||REQUIRED|||-NONE-|||1
A 13 13|||M:PUNCT|||,|||REQUIRED|||-NONE-|||1
A 13 14|||R:VERB:FORM|||helistage|||REQUIRED|||-NONE-|||1
A 17 18|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
A 19 20|||R:SPELL|||hinnast|||REQUIRED|||-NONE-|||1

S Auto on praegu asub tartus aga järgmisel nädalal auto tuleb Tallinasse .
A 3 4|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 4 5|||R:CASE|||Tartus|||REQUIRED|||-NONE-|||0
A 5 5|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 8 10|||R:WO|||tuleb auto|||REQUIRED|||-NONE-|||0
A 10 11|||R:SPELL|||Tallinnasse|||REQUIRED|||-NONE-|||0
A 1 2|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
A 2 4|||R:WO|||asub praegu|||REQUIRED|||-NONE-|||1
A 4 5|||R:CASE|||Tartus|||REQUIRED|||-NONE-|||1
A 5 5|||M:PUNCT|||,|||REQUIRED|||-NONE-|||1
A 8 9|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
S Mina käisin reisil oktobris .
A 3 4|||R:SPELL|||oktoobris|||REQUIRED|||-NONE-|||0
A 0 1|||R:NOM:FORM|||Ma|||REQUIRED|||-NONE-|||1
A 3 4|||R:SPELL|||oktoobris|||REQUIRED|||-NONE-|||1
A 2 4|||R:WO|||oktoobris reisil|||REQUIRED|||-NONE-|||1

S Mul oli pühkus .
A 2 3|||R:SPELL|||puhkus|||REQUIRED|||-NONE-|||0

S Ma reisisin Turkeas , Kemeris .
A 2 3|||R:SPELL|||Türki||Türgisse|||REQUIRED|||-NONE-|||0
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||Kemerisse|||REQUIRED|||-NONE-|||0
A 1 2|||R:LEX|||käisin|||REQUIRED|||-NONE-|||1
A 2 3|||R:SPELL|||Türgis|||REQUIRED|||-NONE-|||1
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1

S Ma reisisin lennukuga .
A 2 3|||R:SPELL|||lennukiga|||REQUIRED|||-NONE-|||0

S Minu reis oli seitse päevad .
A 4 5|||R:NOM:FORM|||päeva|||REQUIRED|||-NONE-|||0
A 5 5|||M:LEX|||pikk|||REQUIRED|||-NONE-|||0
A 2 3|||R:LEX|||kestis|||REQUIRED|||-NONE-|||1
A 4 5|||R:NOM:FORM|||päeva|||REQUIRED|||-NONE-|||1

S Reisil ma puhkasin .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Seal oli väga hea , päike päista , meeri on ilus
A 6 7|||R:VERB:FORM:SPELL|||paistis|||REQUIRED|||-NONE-|||0
A 8 9|||R:SPELL|||meri|||REQUIRED|||-NONE-|||0
A 9 10|||R:VERB:FORM|||oli|||REQUIRED|||-NONE-|||0
A 11 11|||M:PUNCT|||.|||REQUIRED|||-NONE-|||0

S Õues oli väga soe , ümbes kolmkümmend gradi .
A 5 6|||R:SPELL|||umbes|||REQUIRED|||-NONE-|||0
A 7 8|||R:SPELL|||kraadi|||REQUIRED|||-NONE-|||0

S Ma suplesin , jalutasin .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minu väga meldin reis .
A 0 1|||R:NOM:FORM|||Mulle|||REQUIRED|||-NONE-|||0
A 2 3|||R:VERB:FORM:SPELL|||meeldis|||REQUIRED|||-NONE-|||0
A 0 4|||R:WO|||Reis meeldis mulle väga|||REQUIRED|||-NONE-|||0
S Mina reisin tihti komandeeringus ja puhkas .
A 3 3|||M:LEX|||, käies|||REQUIRED|||-NONE-|||0
A 5 6|||R:VERB:FORM|||puhkamas|||REQUIRED|||-NONE-|||0

S Minu viimasne reis oli Minskis Valgevenes .
A 1 2|||R:SPELL|||viimane|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||Minskisse|||REQUIRED|||-NONE-|||0

S Ma tegelen reklaamiga .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minskis mul on palju klientid .
A 1 3|||R:WO|||on mul|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM:SPELL|||kliente|||REQUIRED|||-NONE-|||0

S Veel minu vanemad elavad siis , ma käisin külla nende juurde .
A 0 1|||R:LEX|||Kui|||REQUIRED|||-NONE-|||0
A 3 3|||M:LEX|||veel|||REQUIRED|||-NONE-|||0
A 3 4|||R:VERB:FORM|||elasid|||REQUIRED|||-NONE-|||0
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 5 6|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 8 9|||R:NOM:FORM|||külas|||REQUIRED|||-NONE-|||0
A 10 11|||R:LEX|||juures|||REQUIRED|||-NONE-|||0
A 6 11|||R:WO|||käisin ma nende juures külas|||REQUIRED|||-NONE-|||0

S Mulle meeldib reisida Valgevenes !
A 3 4|||R:NOM:FORM|||Valgevenesse|||REQUIRED|||-NONE-|||0
A 2 4|||R:WO|||Valgevenesse reisida|||REQUIRED|||-NONE-|||0
S Ma reisil käisin viimanekord suvel .
A 3 4|||R:WS|||viimane kord|||REQUIRED|||-NONE-|||0
A 1 4|||R:WO|||käisin viimane kord reisil|||REQUIRED|||-NONE-|||0

S Ma olin Valgevenes .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Valgevenes ma olin sanatoorias .
A 0 3|||R:WO|||Ma olin Valgevenes|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||sanatooriumis|||REQUIRED|||-NONE-|||0
A 0 1|||R:LEX|||Seal|||REQUIRED|||-NONE-|||1
A 0 3|||R:WO|||Ma olin seal|||REQUIRED|||-NONE-|||1
A 3 4|||R:SPELL|||sanatooriumis|||REQUIRED|||-NONE-|||1

S Ma olin sõpradega , me ujume , randlame .
A 5 6|||R:VERB:FORM|||ujusime|||REQUIRED|||-NONE-|||0
A 6 7|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 7 8|||R:LEX|||rannas|||REQUIRED|||-NONE-|||0
A 5 6|||R:VERB:FORM|||ujusime|||REQUIRED|||-NONE-|||1
A 6 7|||M:LEX|||ja|||REQUIRED|||-NONE-|||1
A 7 8|||R:LEX|||päevitasime|||REQUIRED|||-NONE-|||1

S Me räägime , kuulame muusikat , sööme eerinevaid toiduvad .
A 1 2|||R:VERB:FORM|||rääkisime|||REQUIRED|||-NONE-|||0
A 3 4|||R:VERB:FORM|||kuulasime|||REQUIRED|||-NONE-|||0
A 6 7|||R:VERB:FORM|||sõime|||REQUIRED|||-NONE-|||0
A 7 8|||R:SPELL|||erinevaid|||REQUIRED|||-NONE-|||0
A 8 9|||R:NOM:FORM:SPELL|||toite|||REQUIRED|||-NONE-|||0

S Oli väga rõõmus .
A 2 3|||R:LEX|||lõbus|||REQUIRED|||-NONE-|||0
A 0 1|||R:VERB:FORM|||Olin|||REQUIRED|||-NONE-|||1

S Ilm oli väga ilus ja soje .
A 5 6|||R:SPELL|||soe|||REQUIRED|||-NONE-|||0
S Viimasel korral ma käisin Suur-Britaanias reisil .
A 2 4|||R:WO|||käisin ma|||REQUIRED|||-NONE-|||0
A 4 5|||R:SPELL|||Suurbritannias|||REQUIRED|||-NONE-|||0

S Ma kohtusin seal oma sugulasega .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minu täti ja tema abikaasa elavad seal juba kümne aastat .
A 1 2|||R:SPELL|||tädi|||REQUIRED|||-NONE-|||0
A 8 9|||R:NOM:FORM|||kümme|||REQUIRED|||-NONE-|||0

S Mulle meeldis Londonis .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Seal elavad palju inimeseid .
A 1 2|||R:VERB:FORM|||elab|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||inimesi|||REQUIRED|||-NONE-|||0

S Ma külastasin Kuninga muuseumi , jalutasin pargis .
A 2 3|||R:CASE|||kuninga|||REQUIRED|||-NONE-|||0

S Ma käisin kontserdil .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mu sugulased elavad äärelinnas ja ma elasin nendega seal kaks nädalat .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Nende linnaosa on väga puhas .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma tahaksin sinna minna vahemalt üks veel kord .
A 4 5|||R:SPELL|||vähemalt|||REQUIRED|||-NONE-|||0
A 5 6|||R:NOM:FORM|||ühe|||REQUIRED|||-NONE-|||0
A 5 7|||R:WO|||veel ühe|||REQUIRED|||-NONE-|||0
A 7 8|||R:NOM:FORM|||korra|||REQUIRED|||-NONE-|||0

S Aga ma ei taha seal elada .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
S Esimesel novembril ma käisin Austrijasse .
A 2 4|||R:WO|||käisin ma|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM:SPELL|||Austrias|||REQUIRED|||-NONE-|||0

S See on minu viimane reis .
A 1 2|||R:VERB:FORM|||oli|||REQUIRED|||-NONE-|||0

S Me käisime koos minu mehega , Viennasse .
A 3 4|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 5 6|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||Viinis|||REQUIRED|||-NONE-|||0

S Me jalutasime kesklinna ja parki , käisime muuseumisse ja kohvikusse .
A 7 8|||R:NOM:FORM|||muuseumis|||REQUIRED|||-NONE-|||0
A 9 10|||R:NOM:FORM|||kohvikus|||REQUIRED|||-NONE-|||0

S Jõime kohvi ja sõime tordi .
A 4 5|||R:NOM:FORM|||torti|||REQUIRED|||-NONE-|||0

S Me ostasime natuke magustoitu ja viinerid .
A 1 2|||R:SPELL|||ostsime|||REQUIRED|||-NONE-|||0
A 5 6|||R:NOM:FORM|||viinereid|||REQUIRED|||-NONE-|||0
S Tere kallis Liina !
A 1 1|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Ma tahan sind külastada vatab meie huvitavat linna .
A 2 3|||R:NOM:FORM|||sinuga|||REQUIRED|||-NONE-|||0
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 5 6|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||sinuga|||REQUIRED|||-NONE-|||1
A 3 4|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
A 4 5|||R:LEX:NOM:FORM|||avastada|||REQUIRED|||-NONE-|||1

S Me kohtumisini laupäeval kell seitse kohvikus " Kevad "
A 1 2|||R:LEX:SPELL|||kohtume|||REQUIRED|||-NONE-|||0
A 6 7|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 8 9|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 9 9|||M:PUNCT|||.|||REQUIRED|||-NONE-|||0
A 1 2|||R:LEX:SPELL|||kohtuksime|||REQUIRED|||-NONE-|||1
A 6 7|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1
A 8 9|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1
A 9 9|||M:PUNCT|||.|||REQUIRED|||-NONE-|||1

S Me käisime meie linna parkis .
A 1 2|||R:LEX|||lähme|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM:SPELL|||parki|||REQUIRED|||-NONE-|||0
A 1 2|||R:VERB:FORM|||käiksime|||REQUIRED|||-NONE-|||1
A 4 5|||R:SPELL|||pargis|||REQUIRED|||-NONE-|||1

S Seal me olime jalutasime .
A 2 3|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 3 4|||R:VERB:FORM|||jalutame|||REQUIRED|||-NONE-|||0
A 2 3|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
A 3 4|||R:VERB:FORM|||jalutaksime|||REQUIRED|||-NONE-|||1

S Parkis väga ilus loodus .
A 0 1|||R:SPELL|||Pargis|||REQUIRED|||-NONE-|||0
A 1 1|||M:LEX|||on|||REQUIRED|||-NONE-|||0

S Seal ilusad lilled .
A 1 1|||M:LEX|||on|||REQUIRED|||-NONE-|||0

S Seal on väike järv .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma kutsun sind külas !
A 3 4|||R:LEX|||külla|||REQUIRED|||-NONE-|||0

S Kohtumiseni !
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Olga
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
S Tere Eeva !
A 1 1|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Lähme külastama Tallinna !
A 1 2|||R:VERB:FORM|||külastame|||REQUIRED|||-NONE-|||0

S See on väga huvitav linna , ja sinna saab sõita laevaga .
A 4 5|||R:NOM:FORM|||linn|||REQUIRED|||-NONE-|||0
A 5 6|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0

S Mulle sobib kahe nädala pärast , kas see sobib sulle ka ?
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Esiteks jalutame vana linnas , see on ilus .
A 2 4|||R:WS|||vanalinnas|||REQUIRED|||-NONE-|||0

S Siis ostame midagi Kaubamajast .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ja veel enne kui lähme tagasi sadamasse , sööme restauranis .
A 3 3|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 9 10|||R:SPELL|||restoranis|||REQUIRED|||-NONE-|||0

S Head aega !
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Anna
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
S Tere , Kati !
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma tahan sind kutsuda Tallinna .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma kavatsen minna loomaaiasse ja jalutama Kadriorgis pargis .
A 3 4|||R:NOM:FORM|||loomaaeda|||REQUIRED|||-NONE-|||0
A 6 7|||R:NOM:FORM:SPELL|||Kardioru|||REQUIRED|||-NONE-|||0
A 7 8|||R:NOM:FORM|||parki|||REQUIRED|||-NONE-|||0
A 5 8|||R:WO|||Kadrioru parki jalutama|||REQUIRED|||-NONE-|||0

S Kas sa olid Tallinnas ?
A 2 3|||R:VERB:FORM|||oled|||REQUIRED|||-NONE-|||0
A 4 4|||M:LEX|||käinud|||REQUIRED|||-NONE-|||0

S Ma hakkan sõida Tallinnaan augustil .
A 1 2|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||sõidan|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||Tallinnasse||Tallinna|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||augustis|||REQUIRED|||-NONE-|||0
A 3 5|||R:WO|||augustis Tallinnasse||augustis Tallinna|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||sõitma|||REQUIRED|||-NONE-|||1
A 3 4|||R:SPELL|||Tallinnasse||Tallinna|||REQUIRED|||-NONE-|||1
A 4 5|||R:NOM:FORM|||augustis|||REQUIRED|||-NONE-|||1
A 2 5|||R:WO|||augustis Tallinnasse sõitma||augustis Tallinna sõitma|||REQUIRED|||-NONE-|||1

S Veel me saame minna kohvikusse .
A 1 3|||R:WO|||saame me|||REQUIRED|||-NONE-|||0

S Kas sa olid Kadriorgis ?
A 2 3|||R:VERB:FORM|||oled|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||Kadriorus|||REQUIRED|||-NONE-|||0
A 4 4|||M:LEX|||käinud|||REQUIRED|||-NONE-|||0
S Tere kallis sõber !
A 1 1|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Ma tahan sind kutsuda ühte huvitavat linna .
A 5 6|||R:NOM:FORM|||huvitavasse|||REQUIRED|||-NONE-|||0

S Ma mõtlesin , et see on hea mõte sinna koos sõita .
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0

S Me sõidame Tallinna järgmisel nädalavahetusel .
A 1 2|||R:VERB:FORM|||sõidaksime|||REQUIRED|||-NONE-|||0
A 2 5|||R:WO|||järgmisel nädalavahetusel Tallinna|||REQUIRED|||-NONE-|||0
A 1 2|||R:VERB:FORM|||sõidaksime|||REQUIRED|||-NONE-|||1
A 2 5|||R:WO:NOM:FORM|||järgmisel nädalavahetusel Tallinnasse|||REQUIRED|||-NONE-|||1

S Seal toimub suur laulupidu ja pärast seda me võime kohvikusse minna .
A 7 9|||R:WO|||võime me|||REQUIRED|||-NONE-|||0
A 9 11|||R:WO|||minna kohvikusse|||REQUIRED|||-NONE-|||0
A 7 9|||R:WO|||võime me|||REQUIRED|||-NONE-|||1
A 8 9|||R:VERB:FORM|||võiksime|||REQUIRED|||-NONE-|||2
A 7 9|||R:WO|||võiksime me|||REQUIRED|||-NONE-|||2

S Palun helista mulle , kui see sobib sulle .
A 6 8|||R:WO|||sulle sobib|||REQUIRED|||-NONE-|||0
A 8 9|||R:PUNCT|||!|||REQUIRED|||-NONE-|||0
A 6 8|||R:WO|||sulle sobib|||REQUIRED|||-NONE-|||1

S Nägemiseni !
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
S Tere , minu sõber !
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma soovin külastada Toronto !
A 3 4|||R:NOM:FORM|||Torontot|||REQUIRED|||-NONE-|||0

S Ma tahan käia varsti .
A 2 2|||M:LEX|||sinna|||REQUIRED|||-NONE-|||0
A 2 3|||R:LEX|||minna|||REQUIRED|||-NONE-|||0
A 2 4|||R:WO|||varsti minna|||REQUIRED|||-NONE-|||0

S Ma arvan suvel , sest sellel head ilm .
A 2 2|||M:LEX|||et|||REQUIRED|||-NONE-|||0
A 2 2|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 5 6|||R:LEX|||siis|||REQUIRED|||-NONE-|||0
A 6 6|||M:LEX|||on|||REQUIRED|||-NONE-|||0
A 7 8|||R:NOM:FORM|||ilmad|||REQUIRED|||-NONE-|||0
A 2 2|||M:LEX|||et|||REQUIRED|||-NONE-|||1
A 2 2|||M:PUNCT|||,|||REQUIRED|||-NONE-|||1
A 5 5|||M:LEX|||siis on|||REQUIRED|||-NONE-|||1
A 5 6|||R:LEX|||seal|||REQUIRED|||-NONE-|||1
A 7 8|||R:NOM:FORM|||ilmad|||REQUIRED|||-NONE-|||1

S Toit Torontos on väga hea aga väga kallis , ma loodan et sa tuled minaga .
A 1 3|||R:WO|||on Torontos|||REQUIRED|||-NONE-|||0
A 5 5|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 8 10|||R:PUNCT|||. Ma|||REQUIRED|||-NONE-|||0
A 11 11|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 14 15|||R:SPELL|||minuga|||REQUIRED|||-NONE-|||0

S Kas sa tuled ?
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Helista mulle ja me läheme !
A 3 4|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
S Minu eesnimi on Kati ja minu perekonnanimi on --- .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Olen Tampere ülikooli üliõpilane .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Elan Hämeenlinnas .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Hämeenlinna asub Lõuna-Soomes .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Hämeenlinna on ilus linn .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Elan minu poiss-sõbra koos .
A 1 2|||R:LEX|||enda||oma|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||poiss-sõbraga|||REQUIRED|||-NONE-|||0
A 1 2|||R:LEX|||enda||oma|||REQUIRED|||-NONE-|||1
A 2 3|||R:NOM:FORM|||poiss-sõbraga|||REQUIRED|||-NONE-|||1
A 1 4|||R:WO|||koos enda||oma poiss-sõbraga|||REQUIRED|||-NONE-|||1

S Minu poiss-sõbra nimi on Beni ja ta perekonnanimi on --- .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta juuksed on valged ja silmad sinised .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta on ilus ja tõesti kena .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta on ettevõtja .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta omab reatorani .
A 2 3|||R:SPELL|||restorani|||REQUIRED|||-NONE-|||0

S Meil on koer .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta nimi on Marsu .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Marsu on tore koer .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Meie kodu on suur .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Meie kodes on neli tuba .
A 1 2|||R:SPELL|||kodus|||REQUIRED|||-NONE-|||0

S Mul ei ole isa .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minu ema nimi on Marjatta .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Elab --- .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mina olen sündinud seal aga minu ema on sündinud --- .
A 2 4|||R:WO|||seal sündinud|||REQUIRED|||-NONE-|||0
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Minu ema on juba pensionär .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta töötas enne polikliinikus .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mul ei ole venda .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
A 3 4|||R:NOM:FORM|||vendi|||REQUIRED|||-NONE-|||1

S Mul on üks vanem õde .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta nimi on Kaisa .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Elab Helsinkis ja töötab koulis , ta on õpetaja .
A 4 5|||R:SPELL|||koolis|||REQUIRED|||-NONE-|||0

S Ta ei ole abielus aga tal on üks laps .
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Ta nimi on Väinö ja käib lasteaias .
A 5 5|||M:LEX|||ta|||REQUIRED|||-NONE-|||0

S Minu vanavanemad on surnud .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minu onu elab Toholampis .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta on põllumees .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta on abielus ja ta abikaasa nimi on Aino .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma armastan minu pere .
A 2 3|||R:LEX|||enda||oma|||REQUIRED|||-NONE-|||0
A 3 4|||R:NOM:FORM|||peret|||REQUIRED|||-NONE-|||0
S Elan koos minu peigmehe Toniga Hervannas korrusmajas , teisel korrusel .
A 2 3|||R:LEX|||enda||oma|||REQUIRED|||-NONE-|||0
A 7 8|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0

S Meie korteris on magamistuba , elutuba , köök , wc , saun ja suur rödu .
A 9 10|||R:SPELL|||WC|||REQUIRED|||-NONE-|||0
A 14 15|||R:SPELL|||rõdu|||REQUIRED|||-NONE-|||0

S Magamistoas on lai voodi , kus magame kolmekesi .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Kolmandena voodis on meie armas koer George .
A 0 1|||R:SPELL|||Kolmandana|||REQUIRED|||-NONE-|||0
A 1 3|||R:WO|||on voodis|||REQUIRED|||-NONE-|||0

S Magamistoas on ka arvutilaud , mille taga Toni istub kogu aja , riidekapp ja öökapp .
A 7 9|||R:WO|||istub Toni|||REQUIRED|||-NONE-|||0
A 12 12|||M:LEX|||ning|||REQUIRED|||-NONE-|||0
A 10 11|||R:NOM:FORM|||aeg|||REQUIRED|||-NONE-|||1
A 8 11|||R:WO|||kogu aeg istub|||REQUIRED|||-NONE-|||1
A 12 12|||M:LEX|||ja lisaks||ning lisaks|||REQUIRED|||-NONE-|||1

S Magamistoa riidekapp on täis Toni riideid ja öökapp on täis minu kosmeetikaid .
A 11 12|||R:NOM:FORM|||kosmeetikat|||REQUIRED|||-NONE-|||0

S Minu riided on esikus olevas kapis .
A 3 4|||R:NOM:FORM|||esiku|||REQUIRED|||-NONE-|||0
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||1

S Köögis on kaunid kapid , mis on täis nõusid .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Meil on nii palju nõusid , et on raske nendele kohta leida .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Köögis on söögilaud nelja tooliga .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Köök on väike ja sellepärast on kõik hästi käe- jala juures .
A 8 10|||R:SPELL|||käe-jala|||REQUIRED|||-NONE-|||0

S Elutoas on punast värvi suur ja pehme nurgadiivan .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Diivanil on hea istuda ja samuti mahuvad meie kõik külalised sinna istuma .
A 7 9|||R:WO|||kõik meie|||REQUIRED|||-NONE-|||0
A 7 9|||R:WO|||kõik meie|||REQUIRED|||-NONE-|||1
A 11 12|||R:LEX|||ära|||REQUIRED|||-NONE-|||1

S Meil on elutoas palju lilli , millest hoolitseme hästi .
A 6 7|||R:NOM:FORM|||mille|||REQUIRED|||-NONE-|||0
A 7 7|||M:LEX|||eest|||REQUIRED|||-NONE-|||0

S Meil kasvavad kõik lilled hästi .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Elutoas on ka diivanilaud ja suur televiisor .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Esikus on kummut , kus on minu raamatud .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Esikus on meie korteri ainuke peegel .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Esikus on ka kapp , kus on meie tolmuimeja .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Koristame iga nädal , sest meil on palju vaipasid ja koerast tuleb karvu .
A 1 2|||R:NOM:FORM|||igal|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||nädalal|||REQUIRED|||-NONE-|||0

S Meie kodu on meile armas , kuigi se on väike .
A 7 8|||R:SPELL|||see|||REQUIRED|||-NONE-|||0
S Ma elan Hervannas suures korrumajas .
A 4 5|||R:SPELL|||korrusmajas|||REQUIRED|||-NONE-|||0

S Siin elab 700 üliõpilast .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Elan " Toasi " korteris .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
A 1 2|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1

S Kui olen eesti keelt õppinud , on see nimi uue sisu saanud .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minu kodu ei ole suur .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S See on viiskümmendkaks ruutmeetrit , aga elan koos teise üliõpilasega .
A 2 3|||R:WS|||viiskümmend kaks|||REQUIRED|||-NONE-|||0

S Ta õpib Hervanta ülikoolis .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Kodus on kaks toa , kaks vannitoa ja köök .
A 3 4|||R:NOM:FORM|||tuba|||REQUIRED|||-NONE-|||0
A 6 7|||R:NOM:FORM|||vannituba|||REQUIRED|||-NONE-|||0

S Mul on siin vanu mööbleid .
A 3 4|||R:NOM:FORM|||vana|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||mööblit|||REQUIRED|||-NONE-|||0
A 4 5|||R:LEX|||mööbliesemeid|||REQUIRED|||-NONE-|||1

S Ma armastan retrot .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Roheline peegel ja punane , ümmargune laualamp on 70ndailt aastailt .
A 4 5|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 8 9|||R:NOM:FORM|||70ndatest||70ndaist|||REQUIRED|||-NONE-|||0
A 9 10|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 4 5|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1
A 8 9|||R:NOM:FORM|||70.|||REQUIRED|||-NONE-|||1
A 9 10|||R:NOM:FORM|||aastatest||aastaist|||REQUIRED|||-NONE-|||1

S Punane laud ja toolid on kolmkümmend aastat vana .
A 7 8|||R:NOM:FORM|||vanad|||REQUIRED|||-NONE-|||0

S Mul on söögilaud ja kirjutuslaud .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Vanu mööbleid ostan vanakraamiturgust ja saan söbradelt ja vanemadelt .
A 0 1|||R:NOM:FORM|||Vana|||REQUIRED|||-NONE-|||0
A 1 2|||R:NOM:FORM|||mööblit|||REQUIRED|||-NONE-|||0
A 3 4|||R:NOM:FORM:SPELL|||vanakraamiturult|||REQUIRED|||-NONE-|||0
A 6 7|||R:SPELL|||sõpradelt|||REQUIRED|||-NONE-|||0
A 8 9|||R:SPELL|||vanematelt|||REQUIRED|||-NONE-|||0
A 1 2|||R:LEX|||mööbliesemeid|||REQUIRED|||-NONE-|||1
A 3 4|||R:NOM:FORM:SPELL|||vanakraamiturult|||REQUIRED|||-NONE-|||1
A 6 7|||R:SPELL|||sõpradelt|||REQUIRED|||-NONE-|||1
A 8 9|||R:SPELL|||vanematelt|||REQUIRED|||-NONE-|||1

S Olen ostanud lilled .
A 1 2|||R:SPELL|||ostnud|||REQUIRED|||-NONE-|||0
A 1 2|||R:SPELL|||ostnud|||REQUIRED|||-NONE-|||1
A 2 3|||R:LEX:NOM:FORM|||lilli|||REQUIRED|||-NONE-|||1

S Lilled on laudal .
A 2 3|||R:SPELL|||laual|||REQUIRED|||-NONE-|||0

S Tellin ajalehte , Helsingin Sanomat .
A 2 3|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0

S Õpin ajakirjandust , seetõttu mul on palju , palju lehte .
A 9 10|||R:NOM:FORM|||lehti|||REQUIRED|||-NONE-|||0
A 3 4|||R:LEX|||mistõttu|||REQUIRED|||-NONE-|||1
A 4 6|||R:WO|||on mul|||REQUIRED|||-NONE-|||1
A 7 8|||R:PUNCT|||-|||REQUIRED|||-NONE-|||1
A 9 10|||R:NOM:FORM|||lehti|||REQUIRED|||-NONE-|||1

S Mul ei ole palju raamatud .
A 4 5|||R:NOM:FORM|||raamatuid|||REQUIRED|||-NONE-|||0

S Laenan nad raamatukogust .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
A 1 2|||R:NOM:FORM|||neid|||REQUIRED|||-NONE-|||1

S Mulle meeldib sõpradele süüa teha väikes köögis .
A 5 6|||R:SPELL|||väikses|||REQUIRED|||-NONE-|||0
A 2 7|||R:WO|||väikses köögis sõpradele süüa teha|||REQUIRED|||-NONE-|||0

S Mul ei ole kassi ja koera , aga ma tahtiksin koera .
A 9 10|||R:SPELL|||tahaksin|||REQUIRED|||-NONE-|||0
A 4 5|||R:LEX|||ega|||REQUIRED|||-NONE-|||1
A 9 10|||R:SPELL|||tahaksin|||REQUIRED|||-NONE-|||1
S Asun Hervantas poiss-sõberga ja koeraga .
A 0 1|||R:LEX|||Elan|||REQUIRED|||-NONE-|||0
A 2 3|||R:SPELL|||poiss-sõbra|||REQUIRED|||-NONE-|||0

S Minu kodu on ilus ja hele .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Kodus on neli tuba : esiku , elutuba , söögituba ja magamistuba .
A 5 6|||R:NOM:FORM|||esik|||REQUIRED|||-NONE-|||0

S Esiku on väike .
A 0 1|||R:NOM:FORM|||Esik|||REQUIRED|||-NONE-|||0

S Siin on riidenagi , pruun kummut ja koera magamiskoht .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Põrandal on kirju vaip .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Seinal on kaks pilti .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mantelid , kindad ja mütsid on korras riiderammis .
A 0 1|||R:SPELL|||Mantlid|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||korralikult|||REQUIRED|||-NONE-|||0
A 7 8|||R:SPELL|||riideraamis|||REQUIRED|||-NONE-|||0

S Kingad on rivis põrandal .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
A 2 4|||R:WO|||põrandal rivis|||REQUIRED|||-NONE-|||1

S Kui kodus oleme on meie võtmed kummuti peal .
A 3 3|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Elutoas on palju ruumi .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Siin on palju mööblit : on televiisor , kaks tugitooli , diivan , kirjutuslaud , raamaturiiul ja kaks tooli .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Koera mängib põrandal suure vaipa peal .
A 0 1|||R:NOM:FORM|||Koer|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||vaiba|||REQUIRED|||-NONE-|||0

S Raamaturiiulil on palju raamatud kunas õpin kirjandust ülikoolis .
A 3 4|||R:NOM:FORM|||raamatuid|||REQUIRED|||-NONE-|||0
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 4 5|||R:LEX|||kuna|||REQUIRED|||-NONE-|||0
A 6 8|||R:WO|||ülikoolis kirjandust|||REQUIRED|||-NONE-|||0

S Kirjutuslaual on pliiatsid ja arvuti .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Töötan palju arvutiga , aga poiss-sõber mängib arvutiga .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Elutoa teisel seinal on seinakell ja teise seina juures on diivan .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Õhtul istume sinisel diivanil ja vaatame televiisorit .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Kui sõbrad tulevad käima , istume kõik elutoas ja ajame juttu .
A 3 4|||R:LEX|||külla|||REQUIRED|||-NONE-|||0
A 2 3|||R:LEX|||külas|||REQUIRED|||-NONE-|||1
A 3 4|||R:VERB:FORM|||käivad|||REQUIRED|||-NONE-|||1

S Meiel on üheksakümmend kaks cd-plaati elutoas .
A 0 1|||R:SPELL|||Meil|||REQUIRED|||-NONE-|||0
A 4 5|||R:CASE|||CD-plaati|||REQUIRED|||-NONE-|||0
A 2 6|||R:WO|||elutoas üheksakümmend kaks CD-plaati|||REQUIRED|||-NONE-|||0

S Armastame ja kuulame muusikat sageli .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Söögituba on minul tähtis kunas armastan kokandust .
A 2 3|||R:NOM:FORM|||mulle||minule|||REQUIRED|||-NONE-|||0
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 4 5|||R:LEX|||kuna|||REQUIRED|||-NONE-|||0

S Hommikul istume söögilaua taga , sööme putru ja joome teed või kohvi .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Laual on punane laudlina ja põrandal on punane vaip .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Samuti kated on punased .
A 1 2|||R:SPELL|||katted|||REQUIRED|||-NONE-|||0
A 1 3|||R:WO|||on katted|||REQUIRED|||-NONE-|||0
A 1 2|||R:SPELL|||katted|||REQUIRED|||-NONE-|||1
A 0 4|||R:WO|||Katted on samuti punased|||REQUIRED|||-NONE-|||1

S Söögitoas on veel kaks tooli , kaks taburetti , kohvimasin , ja suur seinakapp .
A 10 11|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0

S Külmkapis ei ole mooni , ainult valgus .
A 3 4|||R:SPELL|||moona|||REQUIRED|||-NONE-|||0

S Magamistoas ei ole palju mööblit .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S On ainult voodi , kaks valget öölauda ja riidekapp .
A 6 7|||R:LEX|||öökappi|||REQUIRED|||-NONE-|||0

S Voodil on mõnus tunnike magada ja lugeda .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma armastan minu kodu !
A 2 3|||R:LEX|||enda||oma|||REQUIRED|||-NONE-|||0
S Minu parim sõber asub Järvenpääs .
A 3 4|||R:LEX|||elab|||REQUIRED|||-NONE-|||0

S Tema on kakskümmend neli aastat vana ja töötab rauakauplus .
A 8 9|||R:NOM:FORM|||rauakaupluses|||REQUIRED|||-NONE-|||0
A 0 1|||R:NOM:FORM|||Ta|||REQUIRED|||-NONE-|||1
A 8 9|||R:NOM:FORM|||rauakaupluses|||REQUIRED|||-NONE-|||1

S Tema on pikk ja sale .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
A 0 1|||R:NOM:FORM|||Ta|||REQUIRED|||-NONE-|||1

S Tal on lühikesed , heledad juuksed .
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0

S Tema on tavaliselt sportlikult riides .
A 0 1|||R:NOM:FORM|||Ta|||REQUIRED|||-NONE-|||0

S Mina olen minu sõbraga vanab sõbrad .
A 0 1|||R:NOM:FORM|||Meie||Me|||REQUIRED|||-NONE-|||0
A 1 2|||R:VERB:FORM|||oleme|||REQUIRED|||-NONE-|||0
A 2 3|||R:LEX|||enda||oma|||REQUIRED|||-NONE-|||0
A 4 5|||R:SPELL|||vanad|||REQUIRED|||-NONE-|||0

S Me käisime kunagi koos koolis .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minu sõbra on väga tore ja rõõmsameelne inimene .
A 1 2|||R:NOM:FORM|||sõber|||REQUIRED|||-NONE-|||0

S Me oleme väga erinevad aga me ei oska enam hästi teineteiseta toime tulla .
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0

S Ma tunnen temast puudust , sest tema nii kaugel elab .
A 6 7|||R:NOM:FORM|||ta|||REQUIRED|||-NONE-|||0
A 7 10|||R:WO|||elab nii kaugel|||REQUIRED|||-NONE-|||0

S Minu õde on kolmkümmend kaheksa aastat vana .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ta elab Kotkas ja tal on mees ja kaks last .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Minu õdel on pruunid silmad ja pruunid , lühikised juuksed .
A 1 2|||R:SPELL|||õel|||REQUIRED|||-NONE-|||0
A 7 8|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 8 9|||R:SPELL|||lühikesed|||REQUIRED|||-NONE-|||0

S Tema on keskpikk ja me sannanedame teine teist , aga ma olen sale ja õde on tüse .
A 2 3|||R:LEX:WS|||keskmiselt pikk|||REQUIRED|||-NONE-|||0
A 5 6|||R:SPELL|||sarnaneme|||REQUIRED|||-NONE-|||0
A 6 8|||R:WS:NOM:FORM|||teineteisega|||REQUIRED|||-NONE-|||0
A 2 3|||R:LEX:WS|||keskmise pikkusega|||REQUIRED|||-NONE-|||1
A 5 6|||R:SPELL|||sarnaneme|||REQUIRED|||-NONE-|||1
A 6 8|||R:WS:NOM:FORM|||teineteisega|||REQUIRED|||-NONE-|||1
A 10 11|||R:NOM:FORM|||mina|||REQUIRED|||-NONE-|||1

S Ta ei riides moodsalt .
A 2 3|||R:LEX|||riietu|||REQUIRED|||-NONE-|||0
A 2 2|||M:LEX|||käi|||REQUIRED|||-NONE-|||1
A 2 4|||R:WO|||moodsalt riides|||REQUIRED|||-NONE-|||1

S Õde on emotsionaalne ja energiline .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ometi tema on mõnevõrra tagasihoidlik .
A 1 2|||R:NOM:FORM|||ta|||REQUIRED|||-NONE-|||0
A 1 3|||R:WO|||on ta|||REQUIRED|||-NONE-|||0

S Ta on rõõmsameelne inimine , aga mõnikord tal läheb närvi .
A 3 4|||R:SPELL|||inimene|||REQUIRED|||-NONE-|||0
A 7 8|||R:NOM:FORM|||ta|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||inimene|||REQUIRED|||-NONE-|||1
A 7 8|||R:NOM:FORM|||ta|||REQUIRED|||-NONE-|||1
A 7 10|||R:WO|||läheb ta närvi|||REQUIRED|||-NONE-|||1
S Ma ei ole vaatanud televiisorit ega lugenud lehte .
A 3 4|||R:SPELL|||vaadanud|||REQUIRED|||-NONE-|||0
A 3 4|||R:SPELL|||vaadanud|||REQUIRED|||-NONE-|||1
A 7 8|||R:NOM:FORM|||lehti|||REQUIRED|||-NONE-|||1

S Ma ei tea , kas maailmas on juhtunud midagi tähtis .
A 9 10|||R:NOM:FORM|||tähtsat|||REQUIRED|||-NONE-|||0
A 7 10|||R:WO|||midagi tähtsat juhtunud|||REQUIRED|||-NONE-|||0
A 9 10|||R:NOM:FORM|||tähtsat|||REQUIRED|||-NONE-|||1

S Laupäeval oli naistepäev .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Reede ja laupäev olid väga külmad päevad .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Reedel ja laupäevahommikul temperatuur oli vähemalt -10 kraadi .
A 2 3|||R:WS|||laupäeva hommikul|||REQUIRED|||-NONE-|||0
A 5 7|||R:WO|||oli temperatuur|||REQUIRED|||-NONE-|||0

S Laupäevaõhtul oli vastik ilm : oli külm , kõva tuul ja sadasi lund ja vett .
A 0 1|||R:WS|||Laupäeva õhtul|||REQUIRED|||-NONE-|||0
A 11 12|||R:SPELL|||sadas|||REQUIRED|||-NONE-|||0
A 14 15|||R:LEX|||vihma|||REQUIRED|||-NONE-|||0

S Nüüd ei sada ega ole külma .
A 2 3|||R:SPELL|||saja|||REQUIRED|||-NONE-|||0
A 5 6|||R:NOM:FORM|||külm|||REQUIRED|||-NONE-|||0

S Seal on soe .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0
S Finnairi lennukid hilinevad mõni korda päevas .
A 3 4|||R:NOM:FORM|||mõne|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||korra|||REQUIRED|||-NONE-|||0

S Saabumine näiteks Jaapani ja Hiina on hilinud ühe päeva .
A 2 3|||R:NOM:FORM|||Jaapanist|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||Hiinast|||REQUIRED|||-NONE-|||0
A 6 7|||R:SPELL|||hilinenud|||REQUIRED|||-NONE-|||0
A 2 3|||R:NOM:FORM|||Jaapanist|||REQUIRED|||-NONE-|||1
A 4 5|||R:NOM:FORM|||Hiinast|||REQUIRED|||-NONE-|||1
A 6 7|||R:SPELL|||hilinenud|||REQUIRED|||-NONE-|||1
A 9 9|||M:LEX|||võrra|||REQUIRED|||-NONE-|||1

S Hilinemine johtub siit et lennukis on suur viga ja parandus ei juhtu ruttu .
A 2 3|||R:LEX|||sellest|||REQUIRED|||-NONE-|||0
A 3 3|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 4 5|||R:NOM:FORM|||lennukil|||REQUIRED|||-NONE-|||0
A 9 10|||R:LEX|||parandamine|||REQUIRED|||-NONE-|||0
A 11 12|||R:LEX|||toimu|||REQUIRED|||-NONE-|||0
S Mulle meeldib sporti .
A 2 3|||R:NOM:FORM|||sport|||REQUIRED|||-NONE-|||0
A 2 2|||M:LEX|||teha|||REQUIRED|||-NONE-|||1

S Mina käin peaaegu iga päev jõusaalis või aeroobikas .
A 0 1|||R:NOM:FORM|||Ma|||REQUIRED|||-NONE-|||0
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||1

S Suviti tegelen palju tervisejooksu .
A 3 4|||R:NOM:FORM|||tervisejooksuga|||REQUIRED|||-NONE-|||0

S Varem käisin ratsutamas .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mul oli oma hobune .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma olen spordihuviline .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mulle meeldivad jäähoki ja jääpall .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mu favoriit võistkond on kärpät .
A 1 2|||R:LEX|||lemmik|||REQUIRED|||-NONE-|||0
A 4 5|||R:CASE|||Kärpät|||REQUIRED|||-NONE-|||0

S Käin tihti kinos .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma kogun ka filme .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Mul on neid umbes kaheksasada .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Kõige parem film on The Silence of the Lambs.
A 4 4|||M:PUNCT|||"|||REQUIRED|||-NONE-|||0
A 9 9|||M:PUNCT|||"|||REQUIRED|||-NONE-|||0
S Kell oli pool kaheksa .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma vaatasin televiisorit kui keegi helistas kella minu ukse taga .
A 3 3|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 6 10|||R:WO|||minu ukse taga kella|||REQUIRED|||-NONE-|||0
A 3 3|||M:PUNCT|||,|||REQUIRED|||-NONE-|||1
A 5 10|||R:WO|||minu ukse taga kella helistas|||REQUIRED|||-NONE-|||1

S Seal oli võõras naine .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S " Vabandage , et ma tülitan .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Ma olen teie uus naaber .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Kas ma saaksin teilt suhkruit laenata ? " ta küsis .
A 4 5|||R:SPELL|||suhkrut|||REQUIRED|||-NONE-|||0

S " Ma teen pannkooke aga mul ei olnud suhkruit . "
A 4 4|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 8 9|||R:SPELL|||suhkrut|||REQUIRED|||-NONE-|||0

S Ma laenasin naabrile suhkruit .
A 3 4|||R:SPELL|||suhkrut|||REQUIRED|||-NONE-|||0

S Naine tänas ja läks ära .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Pool üheksal uksekell helises jälle .
A 1 2|||R:NOM:FORM|||üheksa|||REQUIRED|||-NONE-|||0
A 2 4|||R:WO|||helises uksekell|||REQUIRED|||-NONE-|||0

S Ukse taga oli see sama naine .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Seekord ta kutsus pannkooke sööma .
A 1 3|||R:WO|||kutsus ta|||REQUIRED|||-NONE-|||0
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||1
S Käisin vaatamas fotonäitust eesti loodusest .
A 3 4|||R:CASE|||Eesti|||REQUIRED|||-NONE-|||0

S Minule meeldib mõnigi neist fotoist .
A 2 2|||M:LEX|||nii|||REQUIRED|||-NONE-|||0
A 4 5|||R:SPELL|||fotodest|||REQUIRED|||-NONE-|||0

S Kõige ilusam oli ikkagi foto kelle nimi oli " Kahekesi vihmasajus " .
A 5 5|||M:PUNCT|||,|||REQUIRED|||-NONE-|||0
A 5 6|||R:LEX|||mille|||REQUIRED|||-NONE-|||0

S Fotode põhjusel Eesti loodus on väga samasugune kui Soome loodus .
A 1 2|||R:LEX|||põhjal|||REQUIRED|||-NONE-|||0
A 2 5|||R:WO|||on Eesti loodus|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||sarnane|||REQUIRED|||-NONE-|||0
A 7 8|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 9 10|||R:NOM:FORM|||loodusega|||REQUIRED|||-NONE-|||0
S Eelkõige mulle meeldib suvest palju , kuna see on puhkus ja ilm on soe , kus saab puhata pikka aega ja lõõgastuda korralikult .
A 1 3|||R:WO|||meeldib mulle|||REQUIRED|||-NONE-|||0
A 3 4|||R:NOM:FORM|||suvi|||REQUIRED|||-NONE-|||0
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 7 8|||R:LEX|||siis|||REQUIRED|||-NONE-|||0
A 15 16|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 17 23|||R:WO|||pikka aega korralikult lõõgastuda ja puhata|||REQUIRED|||-NONE-|||0
A 1 3|||R:WO|||meeldib mulle|||REQUIRED|||-NONE-|||1
A 3 4|||R:NOM:FORM|||suvi|||REQUIRED|||-NONE-|||1
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
A 7 8|||R:LEX|||siis|||REQUIRED|||-NONE-|||1
A 15 16|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
A 17 20|||R:WO|||pikka aega puhata|||REQUIRED|||-NONE-|||1
A 21 23|||R:WO|||korralikult lõõgastuda|||REQUIRED|||-NONE-|||1

S Suvi on juba üsna lähedal .
A -1 -1|||noop|||-NONE-|||-NONE-|||-NONE-|||0

S Soome suvi on täis igasugust mönus nähtavust , tegemist ja kogemist .
A 5 6|||R:NOM:FORM:SPELL|||mõnusat|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||nägemist|||REQUIRED|||-NONE-|||0

S Aga mina kavatsen olla hea meelega seal ajal kodumaal , kus on võimalik meeldivat vähe aega sugulastega .
A 6 7|||R:LEX|||sel|||REQUIRED|||-NONE-|||0
A 13 13|||M:LEX|||veeta|||REQUIRED|||-NONE-|||0
A 14 16|||R:WS:SPELL|||vaheaega|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||sel|||REQUIRED|||-NONE-|||1
A 13 14|||R:SPELL|||meeldivalt|||REQUIRED|||-NONE-|||1
A 14 15|||R:LEX|||natuke||natukene|||REQUIRED|||-NONE-|||1
A 17 17|||M:LEX|||veeta|||REQUIRED|||-NONE-|||1
A 13 17|||R:WO|||sugulastega natuke meeldivalt aega veeta||sugulastega natukene meeldivalt aega veeta|||REQUIRED|||-NONE-|||1

S Juuni ja koos sellega ka puhkuse ühtlustuvad lausa ähvardav kiirusega , mis on peaaegu kõigile ilouutinen .
A 5 6|||R:NOM:FORM|||puhkused|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||lähenevad|||REQUIRED|||-NONE-|||0
A 8 9|||R:NOM:FORM|||ähvardava|||REQUIRED|||-NONE-|||0
A 15 16|||R:LEX|||rõõmu-uudis||rõõmustav|||REQUIRED|||-NONE-|||0

S Vietän tund aega koos sõpradega väljas hengaten .
A 0 1|||R:LEX|||Veedan|||REQUIRED|||-NONE-|||0
A 6 7|||R:LEX|||hängides||uidates|||REQUIRED|||-NONE-|||0

S Käesoleva õpingute lõpus , et ma olen kavatsenud käia välismaal , eriti kodumaal Türgis .
A 0 1|||R:NOM:FORM|||Käesolevate|||REQUIRED|||-NONE-|||0
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||0
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||0
A 5 7|||R:WO|||olen ma|||REQUIRED|||-NONE-|||0
A 0 1|||R:NOM:FORM|||Käesolevate|||REQUIRED|||-NONE-|||1
A 3 4|||U:PUNCT|||-NONE-|||REQUIRED|||-NONE-|||1
A 4 5|||U:LEX|||-NONE-|||REQUIRED|||-NONE-|||1
A 6 8|||R:VERB:FORM|||kavatsen|||REQUIRED|||-NONE-|||1
A 5 7|||R:WO|||kavatsen ma|||REQUIRED|||-NONE-|||1

S Vähemalt praegune kava tundub , et minnakse kuhugi .
A 1 2|||R:NOM:FORM|||praeguse|||REQUIRED|||-NONE-|||0
A 3 3|||M:LEX|||järgi|||REQUIRED|||-NONE-|||0
