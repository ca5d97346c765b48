"""Unicode line breaking for the PO writer: a port of what GNU msgcat calls.

GNU gettext 0.21 breaks strings with libunistring's
ulc_width_linebreaks() (UAX #14 line breaking plus East Asian widths).
msgcat on Debian 12 links libunistring 1.0 (Unicode 14.0), so that is
the behaviour ported here: the tables below were derived from Unicode
14.0 LineBreak.txt and then checked code point by code point against
libunistring 1.0 (see tests/test_pofile.py, which re-checks them
whenever libunistring is present).

Part of :mod:`workflow.po`; only :mod:`workflow.po.write` uses it.
"""

from __future__ import annotations

import base64
import bisect
import functools
import re
import zlib
from typing import Sequence

__all__ = ["UNDEFINED", "PROHIBITED", "POSSIBLE", "MANDATORY",
           "char_width", "columns_of", "line_break_class", "possible_breaks", "width_breaks"]

UNDEFINED, PROHIBITED, POSSIBLE, MANDATORY = 0, 1, 2, 3

#: UAX #14 pair table as libunistring 1.0 applies it (row: the class before
#: the opportunity, column: the class after). D = break, I = break only if
#: spaces intervene, P = never. OPW is an East Asian wide opening bracket.
_PAIR_COLUMNS = ("WJ GL B2 BA BB HY CL CP EX IN NS OP OPW QU IS NU PO PR SY "
                 "AL EB EM H2 H3 HL ID JL JV JT RI").split()
_PAIR_ROWS = """
    WJ  PIIIIIPPPIIIIIPIIIPIIIIIIIIIII
    GL  PIIIIIPPPIIIIIPIIIPIIIIIIIIIII
    B2  PIPIDIPPPIIDDIPDDDPDDDDDDDDDDD
    BA  PDDIDIPPPIIDDIPDDDPDDDDDDDDDDD
    BB  PIIIIIPPPIIIIIPIIIPIIIIIIIIIII
    HY  PDDIDIPPPIIDDIPIDDPDDDDDDDDDDD
    CL  PIDIDIPPPIPDDIPDIIPDDDDDDDDDDD
    CP  PIDIDIPPPIIDDIPIIIPIDDDDIDDDDD
    EX  PIDIDIPPPIIDDIPDDDPDDDDDDDDDDD
    IN  PIDIDIPPPIIDDIPDDDPDDDDDDDDDDD
    NS  PIDIDIPPPIIDDIPDDDPDDDDDDDDDDD
    OP  PPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
    OPW PPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
    QU  PIIIIIPPPIIPPIPIIIPIIIIIIIIIII
    IS  PIDIDIPPPIIDDIPIDDPDDDDDDDDDDD
    NU  PIDIDIPPPIIIDIPIIIPIDDDDIDDDDD
    PO  PIDIDIPPPIIIIIPIDDPIDDDDIDDDDD
    PR  PIDIDIPPPIIIIIPIDDPIIIIIIIIIID
    SY  PIDIDIPPPIIDDIPIDDPDDDDDIDDDDD
    AL  PIDIDIPPPIIIDIPIIIPIDDDDIDDDDD
    EB  PIDIDIPPPIIDDIPDIDPDDIDDDDDDDD
    EM  PIDIDIPPPIIDDIPDIDPDDDDDDDDDDD
    H2  PIDIDIPPPIIDDIPDIDPDDDDDDDDIID
    H3  PIDIDIPPPIIDDIPDIDPDDDDDDDDDID
    HL  PIDIDIPPPIIIDIPIIIPIDDDDIDDDDD
    ID  PIDIDIPPPIIDDIPDIDPDDDDDDDDDDD
    JL  PIDIDIPPPIIDDIPDIDPDDDIIDDIIDD
    JV  PIDIDIPPPIIDDIPDIDPDDDDDDDDIID
    JT  PIDIDIPPPIIDDIPDIDPDDDDDDDDDID
    RI  PIDIDIPPPIIDDIPDDDPDDDDDDDDDDI
"""
_PAIRS = {
    (row, col): rule
    for line in _PAIR_ROWS.split("\n") if line.strip()
    for row, rules in [line.split()]
    for col, rule in zip(_PAIR_COLUMNS, rules)
}

#: Line-break classes and display widths of all code points, as ranges:
#: zlib-compressed, base85 text of "<hex start><class> ..." (classes after
#: libunistring's own merges: SA/XX -> AL, NL -> BK, CB -> ID, CJ -> NS; HS
#: marks precomposed Hangul syllables) then "|" and "<hex start>:<width> ...".
_TABLES = (
    "c-"
    "lpq+qQP8jh=7izk!S~*+ZS#700fMW4pWBak|fhfUC&GM|xk?$jK598zBLc?YF+4|JRT8$3Og"
    "#zy6OO`;Y(g$NBl+e_V^p-*5l;k<*|4&ySq{?Vmq#`NLm-"
    "<ob_)|B>52{{AC($KeU{@0M@<Y=6Y#wr9~_e*2NnU;gt)z8-"
    "qN{pXMJ{q3JWiWnBPeC3(u`dO%LQ_$3kwPRY^wYcGNL(Qylel|qhGplAZ6KA)Oe1HDy4@s6!"
    "vKb`B6o^|T;}5_5kmVuq&^9B*tCZtzx~lzIiJh#(&X#4@KmPH@Zl2H`y~I`zJyWl4<Z-"
    "2ETIhM`c_^y~vra3Wbs?+>AB4T8d_E7Kgz!XI5k{WFJkLvAucv&U`Bv&P=SoAksfT;<@Iap7"
    "jatUDaGf4sr#F3@%i`M<bF<BjnCH#9(9A1Y&bF_oZg0y5&zd4$3&IuQZhg~qAncyD^ZmvCUg"
    "*5f!_V{gZ&^e3&%3*S?n_T@b5Gke^rQ$M4`;8d*X=RgheGe-W&1|>c<Mme;ceAV^-"
    "`xH?ET#j@*KCkU&P;m@IqJ+h7Aw;pSQ_K?%hb)!^QQF>Rt?Sonw1lLp}dc<iBp=cohR~nqT8"
    "Bvt&@)J4n6Os`GP?W^z3<3Bq1>W-mK)LwF**5O&*UL%8`Em}`1iphw;QdEL%=y-"
    "(NYdRFoHRSv@bU9RT&S4#-"
    "H{?)UGd$pcjy_+u!<77?bnb5PnFV=>h4L#~@xX{Z>7s4B1w{soDW5llu{TF&J^grl-"
    "{^2dO)p`qILD=Vj^%P;$^?a<#m+;+sekpE`z%PMcQhh{89SGy|#b}Z0_6Yoy=ItZ!Q7~F$AZ"
    "9d#@%h7Rf!6}B1zroh7DXO-"
    "E$DH9*8;Bvo(en_cq;Hzp3fEXP}lPw+35WZk2XBo@My!M4Ucxklmd@7JlgPR!=v5Y=8YcQ=)"
    "v8g2i|S;;GT$|-"
    "ZC5ZZ+xd)JHpV3k+Wg{Mz3x3+J^lb_HXMQo9oa!iWx>fw@qQQ!e)id3Y)cdgcrhsu<KXYtZj"
    "H0HY;pa*sQQw$FSK<hufg&3!Of{>V#(Wh@wXn9x2A5!Xt%83Xc>X=|PPLHKKPEy`%6>;oX5p"
    "2fc8LxA1{S2Ob@Gbl}l}M+Y7qcyyY#*g-"
    "EGcy!>=fk$U>?)R~MhPU2<M+c+pz|Nx^VV{={=BtDG>cHl6{2M=*+Yf9$wE3Yfd^@-"
    "JEPb&U-sW@BZ9a!z%o6t?=6LPzOV*MPefPeO@cgrf7sA_0y-"
    "yM2v+hgT!^y|YOBFFFo7}30S?guj|FC$!;&aF=-sZ1##0-"
    "S7@|A_K*rNEXojpboJ_vhjKX~zmx6&KWwN3AxXA8H7JHpU5eJ*_q;RVeY6%Q-"
    "a!`k#PDxP{vzVo?{CwuBC2v@`}_wjfyq_4U&CcOPjC?Xdlm%EtK_x<Xkf4}~36Ec7Oj~^-"
    "Hb55nXO{sKJPp+kO|Ljx!KBxNml9BoZ^+{U3UooLSgAO9^Mi#6|$(A5jJyHi1Qt?(XF%a1p*"
    "(zv|2I*AfJpFIKxnO}a8M#P8^4Zq}d><FSj|<=Dmu(D~fU=1ZWMVLFGA(lYcVy!J8T3F2%DC"
    "F4IU6D;i^~ED(pL6PHvuD7Ar(^ffoQ_NhQ#G8EsSy#C@#rIoe2~W?EI{!kVPi5uv3MdDjPM3"
    "`Z|*~CIk}=R4S;F@PU~?V{Lq5CJv~hH+P5cn=QWw(*{*fs>YO@wj>ZXm1%FP-"
    "Z07LU!>s^Pnuzb;zKflp`jeDHp3#4mT4o6i!2k(qX*UMDI_Yx&d0<d!3cd!dyO<m(0LSEE(i"
    "O2$GiVM>_I;aZxiFsph?>Q^)DBS1HpIx>tDaR<oO`6L`o=;GO7MCyJ)_>{nCK$H2t9PC7(G="
    "Y|<q?P{uy_%NYf7{pD{i26X0Wn|>35YV$*V#rN<guoM5vf|jzOrKo)+Cg@qMeg^q!Lw&XoAa"
    "WoJnm&K6qoPK08=c44FmXWrgYOt3COT}v`e34>+R;b{6^)CEY}|O-"
    "WKNqeK+HLrb28_Ah?LJyP@fF=Clj<gXb;jRDe00PNZBr$Ko~dqd$2lv#nTd2N)za#^mWo=8X"
    "6?olHqBIIa7CKiM^RJd`LVIro2gLtklpFsZnQRT8p$xf}1w~f;!U%X|VQ*!&I82#k55_8FX0"
    "tVSQM4v(MtcxJaZ-s-"
    "!_$q)k#1`pBFIr9{f^bY>G|4(N>O+k}ud31>Nzpj=2SmsyVI<(z3mKBP-RgX98NG6!@nO2QD"
    "%6(`4BX?$f`rItoF8yY0DSu@rw6V%zMv(suedG4&8LpV=rnY4O#63Z?6u;{~DBy>j>rU}zF8"
    "&awBKL3g{Haxj}xF{&!`WYmoO@c`!!H9zWiV6AUzq?>sUVs0`zg!ARWHfzwAM#+5&6UnqoHl"
    "afXlU33<km?1M%yIeWNadn;6xLqNhTE%+-;jVcO`YwBq<49=7(!1r50sQ>~BqM5-"
    "n47L_5rRS;M6*7Y*9jg#ClJog=#Q`|Vi1O)Qd-ptEyC_f%0Xbw*CoVw#Z7pZ@6Lf-"
    "=jM1;V;*V+kJhnn;<1zUplG&SBSkA$8IqvD!{M`(~PwE(zXt4#_?q3UKD^iyjGSAEfctrE3t"
    "iD9dr8=%<j_ScgU&At~vQSnkq?OCK)V`c4uX>!SbqOQ6SQeS@^nkdHZE<b;6(8xj+fB%X8N-"
    "XxEPRvI{on7|r2xY~^F+cp#E#?h&z<9iw%-"
    "_z(q+9V|%(j`66_&~Nr2W3(rRZ=6tv9ZtuL$Q7i#riq0C(q+{MBahOOOq~5x-"
    "{w1q)U@7O}aGc(j*S=H4Cm1XZ;z}NS!oDle9=e+9V|%(j`66`amm@GKuvq*0)&SVttGCE!Ma"
    "2t*pbl&IA8!uS(h^d?f3^&Gq2s;@--R`reQmJG-pcx3gJsn_$APmrVG6)Wl)rWuzaV^1*&B+"
    "hG(mc$bJxaX$Py?11THJ3AjX_w&7DzFe$s8YCEh(;^Ae6a^COyqU!_#>CAS6E{~<BX!asQD<"
    "Hx_;53fzg*UCfz`KUQXw^x_-64IWh4t!7N|6$vH&jaOfV-`zFX-gP7o#vs%_}T+t7`-"
    "4bmhnl8`n@Nr%eV5)(7+<sx_2262^noQ2;(>preP54T-"
    "~yJ!>sahdSB$3(Nerio6PzL1$*%p-"
    "xDsDX!g10OJb#6<lmLu0BD+Zfve2QlhPtS?1<iS;FgZRtepMQr|{7(4D_TWt`o1x(P5vQe-c"
    "Q03)yO^B?ts}@ovu@x$dWB+Ypk`_roo#i^qP0|damPsv>S|+v3OM0NioNK@`+%TA+)r(o=0}"
    "0I)RwS%QSX@|<up(haLUV=YD$6O$UD6GrmP;*{S}wI*ntN%>V@|9hCTQnFTEYZiqJavjBoIy"
    "w#Wu+xELSBxIF>O|OHRm=*{R%17TX>f)q|~Cy~rsxf~=egH&^P!y=jGNshIJlKL6;X!6fM)-"
    "c)S6Vc(vK2TDxC#gYl(ovqJT(g$vN`=}(`y4u<f5|(?o*zLS+?XN&5UR-"
    "2;xS*Y1A$8IqZ4%ykW-"
    "g%2a#>06XqM?OMzi3Sc@DpxG~urvCRhOHd=oHYZkRiHc{~+OFmYvJ0{+d*0<?NQh0e$N9(-"
    "RP3M_2VWMvq?GL$WJsw`fAFI)l1>V8!vYe37QNxaXOwc+2=1kwR5ywT=mitsW;)+6B#Km?Bw"
    "BDiuAsn8;|l9YsA5!^?ZU^&c>BDfk8!83`-`w&T|<uyhQUbjQ_#x0l$-o)dQLN-"
    "m}g|z7R{pB~mU&W>B*nTm0xWO>7fBg>=m|ow)Fnzpye><JOK;YtWrw7UlX<0yU)5Ik4g0WoE"
    "1Jw^yGpUdose`b>Jikwd@GZqVyy-koZ7i99>WiDFchmRFZ!UbAHc?2;FJNss_Nmt7Wa6?z(&"
    "KvkZf1GRxF#C2mX53?N*0zZD^Q3#P>Cn-5+AXCz?uRxu>@9PL-jT4tE{gs#5QVZi9`iBeVV9"
    "$b5C1`r)@Gz*x6`j3p*R_Y++}ko$aAaN59=p4c(tFO!$kTiOon1iTmEae*IyqFnZ&C{$OpwX"
    "LJ+(UTwl(tW9)AVm&nJ>!Ar@tdb7tl3>hB;$FR^q=zano4yyV{t6R$75>Tvg{!YIu`#hlB75"
    "X@wCC$Nun-"
    "&S?6kQL&_J8NbwNT4Hiq$2x{UW)6ZGn^RSwhme*I3QVZ_>yMdRFrrn<~|8wtH&75bnwrAT{z"
    "T6(-"
    "TOtvGzMYzdA#uKSarf1BHE^)W|m4Rzflf1Am>!EzX<Ztp&UpdTQ<@XzXTw&V!Kaf6gP)grQE"
    "Wa|#^O4bI4Q|0BSjj2!mq{)=_>pU*H`*gnpWM)QL*I+^*X=uY$@pCs;&<pdyZ|;yJ*UvGQ|Q"
    "+fTsoV?b+bvf-"
    ">Yn|*VrBpPl7Icyk?+%O%^i!u?9msnOuy=gO<q=`EiVJS%O>eBhS#cBmdsPmwGibULzl-beD"
    "W(Nnuxvi<I&p7uJ&s?Mc|~yR3|_jrr;zhka>8`e=S@ZIb?{8TEv{X-"
    "9sge@PqlYv|J%ydvL;_)F$Pgvs#ZY}Uv36qASL@uX*NVP|2oP;X{`n%u!B_(r}*mc?|5{D<w"
    "HFWWgsd**1*675+yu2aE7r^^#e{e{mQCP(lJj{I2My&EE(<Jw=j$UXGqhTCQ6k8x9CoYca8s"
    "?kri(%)L?U*&6tNnt!+T1?W;+9F?!ud1xKM*G)j|0Zk~ziR_;j_;-"
    "k{n9i;e^b0FrKXWj*}m=2zjoM9?a=?uH>uPs9{Cb4vP_2EozF0-_Yd{-"
    "Xot@4H1$orT_e9T|KN9R@^@C~AJOkK#>?b<lO`YNOfrAGm6`0pBX|YxVCq{n^4AocgYm{^lK"
    "r#7uN8i+lbA2s$2N=P8+vYr-"
    "|Lp(8tLr+m}gDW4=McaB>a}J)8<p?iTTtd+goaj_#W}}(@q`a7W!k{$fSL;IG%)$tR^q@Naz"
    "*XtC{0Q`L^mWZ{)B;!w!x5<Mr+L=Qo=!*zY<L#+BlSCO&PjeN||u^4&A(W<96S?o)ne3EsgP"
    "e1mD{2|G@-!-;k{Vb=+}PPD_B?Ekaa|7Ydk5*+0v%Evr&AJZ?_DO;|Ot^X#Y-"
    "yiOr{6QS;lq+tXT%zCY+~`+6F8%(%<z@WLWX{7TJM+yE@lkHBVAxa2Scoq}ekP;8OD+EUK9>"
    "XO6`Nj{_zrA3@f$>!elubcTOIp6@#8X=5{&h#%ZPN1bd7YJHeEL6d+3M0`5l_XI%<;nH@~YM"
    "&&fUBlRGc>QooD&FRlzze--`PAK$r6CNkbuTt@mT<m*Rwm-WwN*7L&7hqG21AC5w44jhb=om"
    "a^`8znoOk`Erd{7D?V`D|yhp&paLy^`@(WO6WnetaR<g?*h#jE}9thj10XZ$GY2`f@x&mtf9"
    "6$0k%~lM;N$94{s#eJWXm%zcn;pYYw8M0?o5@Orx+{tVBDIqEw+*t*<g&fAAS5p&tevyx{EM"
    "!%Wd<Q3&5^z*6z$OhlocbOc)lZ<B-mz#_iZI>mu1@~aoXJ<s}OSJzc{x-"
    "lQ+UsV)x@q!}aiBKIeZq}>f=Pb{PIiK%os+*DFiE|(E`V2My|FIbSQkv<ySj_Nfw?MvzIA!X"
    "`0cDq%oi`lm7TcsPyTBHUKW~Ml`O&X$UBksBWv&pKEbbp6JGIL9>m**lFV`T{5A~Cab+^{jf"
    "j_Exzu<2zk7TRyYp8NpHpz5AGrqCMQ*_@lY4Ndoh9^@*~qw|G`TRIO<pp7XY6tWNBX9nMXA4"
    "N3m(BUSb`(}+kdkDd^PH?mE|jLU0u??+Ssl&?5$&whXzw$oryf7eE3u63}!#_R?ubSUzyDB#"
    "bnfnXH=IZxCXai`cq{GKc?@{ALFcUmT&RnmG-gy8h(^uGE-kGtgqoN+2r6jY@-"
    "KDFzaiJ<F2g~+=4^@p}h@ng(hF{qyAo*zt<VO$(--"
    ")<lg`7pOAiM?2`T6C;jWf@z;gzZ3_!I#z&9uq{nyCRfE}I{Y>%+zK8rm|09oRw-"
    "N0zX7FLVjl*$1F3XL}dPe9OkNq6;tx2ZO6kKV?48Lb%JI@|GBYg$O_c)`U=jOOwp?`(`72o~"
    "(IPO+_rz=t4%E7q@v)ybTO)e4~`pP2@ephR--_~Y7u4wnQL;sHQdk1qIEM>c{6ZM}I%<o*n4"
    "{2;~iTT3zBjgc0TJQ{}UWxHx>k>J>H<3t>c9XEn_BCYXc#^P74*Nl(U**!T*e5(*#k%DDsUO"
    "?z|Nks3-"
    "nYOdxCHw$=<A}(OvVkSFNgR!>&JTllm5p0f4`r;AL*z6mQ3+a>Bo2;6c5U=6uB0%DlBNnO$*"
    "mqEL^8p*gjATx9xe_ejZlOV+TQm3&IuQj_^QuTDU`J|2)1YgwsY?5k4NS+r!;;_JKSjdH8e>"
    "pNp{9+i&ym9SARk1!2!KKF>1}983w}?BU`%NA-"
    "G#xX!U%|F~Z7cohwD5OzH?d7haBVb3$O=b5=7JP}?9BY#7<sfU-"
    ">HCIM>dKj%d)$LrLx0QVu9xfYUMcCWH4w4?O3*m#X>t7A=&Fft~d$_wjYa)JnUG{N!cta2RW"
    "obhgdK7vt%3hQ;Pe1?f03QLL=NH%}ut#8zz#gfHuLI$Q@J85m3T%_+HVFDo2Ez?u?{|TnGNA"
    "`{3hWfvDHt<?F(V57uvuWUz-EEX^1R*b^Re)T&HMAZHf-Loc^4l8yCM(lx8nlB2VvK_o7=YA"
    "@G#nQqdoUT7<O)TU$!QMQ5N<n#<PA2;fk>9SJ<GiL5sJo9dkWgJHiWLK^S^qgTe-"
    "d4GJ3+ZKdc_MO!J_N)=(+fHqOI$$>ow?O+F855tB7-"
    "w%90@cp3PgSrmtI;iWQu7mM;)W_sG$a7E@-{3iJ=PjQ9mW*&k*z;eEjaz*z-"
    "HkjOc{cLE{;U2iT-g7ThabMLSG*lw=?D*mC&CM1<QcBh)<F+X_t(}qgge5>Ki$W-"
    "5MC&YdY>YXy8Y?Po+*7Lfl4M#(jskA<b0quK}|>()Tsr=`6VuBQYXfcUzL+s`=ri!L5s9NHd"
    "p_Y@zZ#Z%oyVSn|P;!iP3+??lclA8Z>^C3TmWA8l*u&FPP}0K|-|ytz%-"
    "4&;;YK+&LuVoS%;^{~bDrj!il?1?8rod2CzYv~nR0(gM-yRhY&m_bD*pm*-"
    "BB7HN~1)?laLb1^YV=p1323A;luzD*QTBOTBvpb_*y6CT;34pQjc_^M2xB{s&oiAL(AO;Qqc"
    "?uyzsrcD1eJBa<TCw1a;OIw&zI%$%G#Bx}a{nzZEJ4noVne!e}<b+52p$5&cOgTc7Rx1a)9@"
    "wI%kl>$Qv>;~}|A{;4kWhm@=6sDbNwDQ$#`NR(PYJ(YH}YSqgR+3~1EI%EG*Sl*<~&S$Zj1j"
    "A)jkXVAu7lQQN|BYL6>w7=zX9l_X^2<&&}5M>;kp-RGoV2pgKYLa{PynAdHFJ7qs-nG)W-"
    "IBq71FzEMNptU+0WvId*;KukMK!{q9}Y6M+))UD&3Xmz(n22smn&KEgZAGRz0<3^`}O_u+-"
    "kp#;|hJOR!UmjIK^^h(JmW>8)N23<|)IbxoSi>T1v^6(TCeUUBTf)5UyUi|8!*0mATOu_QYE"
    "X<;|1qA^!Pn?Nssmk&f*4D8x|YI0Wa5G_HT%z>K$!CVM@CM$x}E+*8zcXrjc;f#rdX*5o8I2"
    "NKL1e+XjBrm9DQ97x5svz1Hn%J84UI^+$_znlLl#%6olQP38vv|^q;|iuv_+DwSeHQ|9}PbV"
    "A+E2{#z9gHk$q;6%e;utHYy(`OJT$f;4Wk)-"
    "Ir3Nz}51q$KLRuybA5BG}iOz{XIp;+rU>MuJDaFZ}QW7Lt-"
    "+iwqJi<J@W@kus@~25FJd@`4_d*dL0*Te;MUnMmZpBYCi8(}ztTI7gaTq(eeE#VGJ!y!hs3z"
    "_P>j&wud(dWua1az1W1{iiP2QzUFcF4hPCv59B7nN&!a$o$t49{H%{VRiB+e-"
    "P$!f89qG)Q9(b><H511|efu;QgLklF_**8Qh|9+m844;1)cBmCQBU-"
    "`mNt#Sv_k@!n3pQJyP}zng<k<_76<S@L&s@T;`vHQM)L@8jDtZfRhj$xLSb{yt8|aRKk)!6m"
    "o_Kk|(7JJNTQ-"
    "z#_rpWxV1X(r=<>N3)m>4}TH8%E|<#iRx^f8x6D4~b;1=l=dp4*L>5GMA6c?UcWB2h*Q~8OY"
    "zS$+@t6<~GA*3+}-"
    ")_y$vdK2iRLzFUIX9wq!M(f$R;1H4<4You4Uf9b5R^hl5XDbXJ_`mb`ln9RYE&hg;y(q!(F{"
    "k@qS{a5j=yOiJ^On<7<o*MmEmF?X&xp60JQiE?W%eN@sPNZ`On|fjWo#Wr+3I08u<$JV8=Xg"
    "(C<6TC6iTvC$n(V<NnEf>p^N-B-"
    "8aW5|;1NvyGseS={+`?(`+GHbMgOhnzZK(Q#duhi{;kUPTHMz8J9DrEv%bao#owL5F`uNEKT"
    "NJ*)-"
    "Tb1QdaN|X8pV(z&kRzg}xU0TIg%6UncFb1&q9AF!qzSSEYSgM(_+~`|DzRs<1v4>eEesG{%e"
    "W8r*`Z?-"
    "bg1%I_?}J6MBnF#G3J_TLGAPxyNl?L8|8x8TUXBL8Ck``DhByJ>%S#c{8)ef@pZ+22ROo9X^"
    "83Vs##`1>Y#2CqWKVuSZg#$W1rFXDMl@b^q-f6wIEE?5uj_V-Ni`FJvm@+NC=3)bKh{QFr7`"
    "ThM9oLX=T?v>mpc`!XwpTB?NSfh*jRCth5;mPK4p7ZxlatY=<bW%sV`}-"
    "%E^SHl%l6jc*_fIm%k-vX}Gv_&f{{#!`JKP81y_3v&^YH2m@15jX$ur8Y$dCOc-"
    "Z#k`>=(LmkQ%|0%#*RdZ<2E+=Mvn4doaeazi)yQ?e+IeaF$2L#tQG5;K{?GzgvQRKKb}=>1@"
    "r7{xaFf`p8_@UYZx2<|D5}UM!zE9$v}#PE8&%E`eMQGSBHIsjuK1W>TWOQeTPs%Zc<G=`ZxZ"
    "8r*^>xN_clwK9L@yzlRL<j4B!qyENu;I+ERmE{}9^J^Tx{?0|_KF!~?$eib16WY^+_OwTRo!"
    "_y)Pmz`F(N%+KPd|~))BE$YBzXq2J^KxPH}u~qAMMe@zY*;<u99DHwBPzzKQFBDo<rt5`20|"
    "k`R)Q1e!u>{5<G)hpM-zH+arHpAxot1VD1b2eT5wDA>qFqA&32P>A!^iJR9I0#gBoIiSH(U7"
    "5Q;rigy$8WIFeScsKbe{Xg&3Mf("
)


def _load_tables() -> tuple[list[int], list[str], list[int], list[int]]:
    """Decode _TABLES into parallel lists of range starts and values."""
    text = zlib.decompress(base64.b85decode("".join(_TABLES))).decode("ascii")
    classes_text, widths_text = text.split("|")
    class_starts, classes = [], []
    for item in classes_text.split():
        match = re.fullmatch(r"([0-9a-f]+)([A-Z][A-Z0-9]*)", item)
        class_starts.append(int(match.group(1), 16))
        classes.append(match.group(2))
    width_starts, widths = [], []
    for item in widths_text.split():
        start, width = item.split(":")
        width_starts.append(int(start, 16))
        widths.append(int(width))
    return class_starts, classes, width_starts, widths


_CLASS_STARTS, _CLASSES, _WIDTH_STARTS, _WIDTHS = _load_tables()


@functools.lru_cache(maxsize=None)
def line_break_class(char: str) -> str:
    """The UAX #14 class of one character, as libunistring 1.0 has it."""
    code = ord(char)
    cls = _CLASSES[bisect.bisect_right(_CLASS_STARTS, code) - 1]
    if cls == "HS":  # Hangul syllables alternate LV / LVT every 28 code points
        cls = "H2" if (code - 0xAC00) % 28 == 0 else "H3"
    return cls


@functools.lru_cache(maxsize=None)
def char_width(char: str, cjk: bool) -> int:
    """Columns taken by one character (uc_width): -1 for C0/C1 controls."""
    code = ord(char)
    width = _WIDTHS[bisect.bisect_right(_WIDTH_STARTS, code) - 1]
    if cjk and width == 1 and 0xA1 <= code < 0xFF61 and code != 0x20A9:
        return 2  # legacy CJK encodings draw almost everything double-width
    return width


@functools.lru_cache(maxsize=None)
def _columns(char: str) -> int:
    return max(char_width(char, False), 0)


@functools.lru_cache(maxsize=None)
def _columns_cjk(char: str) -> int:
    return max(char_width(char, True), 0)


def columns_of(cjk: bool):
    """Columns a character takes in a line, controls counting none: one cached call a character
    (``map`` over a string), for the width sums of every string a catalog writes."""
    return _columns_cjk if cjk else _columns


def _pair_break(last: str, prop: str, prev: str, spaces: bool, ri_count: int) -> int:
    """Whether a break is allowed before `prop` that follows `last` (the
    last non-space class), `prev` (the immediately preceding class)."""
    if last == "BK":
        return PROHIBITED  # LB4-6: no break at the start of a line
    if last == "ZW":
        return POSSIBLE  # LB8: break after a zero-width space
    if prev == "ZWJ":
        return PROHIBITED  # LB8a
    if last == "RI" and prop == "RI":  # LB30a: regional indicator pairs
        return POSSIBLE if spaces or ri_count % 2 == 0 else PROHIBITED
    if prev == "HL_BA":
        return PROHIBITED  # LB21a
    return (_AFTER_SPACES if spaces else _DIRECT)[last, prop]


#: The pair table's answer without spaces between the two classes, and with them ("I" breaks only then).
_DIRECT = {pair: POSSIBLE if rule == "D" else PROHIBITED for pair, rule in _PAIRS.items()}
_AFTER_SPACES = {pair: POSSIBLE if rule in ("D", "I") else PROHIBITED for pair, rule in _PAIRS.items()}
#: Classes after which ``_pair_break`` needs more than the pair table.
_SPECIAL_LAST = frozenset({"BK", "ZW", "RI"})
_SPECIAL_PREV = frozenset({"ZWJ", "HL_BA"})


def possible_breaks(text: Sequence[str], cjk: bool) -> list[int]:
    """Break opportunities before each character (u8_possible_linebreaks_v2).

    The loop runs once per character of every string a catalog writes: ``_pair_break``'s common
    case (the pair table alone) is looked up here directly, the rest is left to it."""
    result = [PROHIBITED] * len(text)
    last = prev = "BK"
    spaces = False
    ri_count = 0
    ambiguous = "ID" if cjk else "AL"
    direct, after_spaces = _DIRECT, _AFTER_SPACES
    special_last, special_prev = _SPECIAL_LAST, _SPECIAL_PREV
    for i, prop in enumerate(map(line_break_class, text)):
        if prop == "BK" or prop == "CR" or prop == "LF":
            result[i] = MANDATORY
            prev, last, spaces, ri_count = prop, "BK", False, 0
            continue
        if prop == "AI":
            prop = ambiguous
        if prop == "SP":
            spaces = True
        elif prop == "ZW":
            last, spaces = "ZW", False
        elif prop == "CM" or prop == "ZWJ":
            if last == "BK":
                last, spaces = "AL", False
            elif last == "ZW" or spaces:
                result[i] = POSSIBLE
                last, spaces = "AL", False
        else:
            if last in special_last or prev in special_prev:
                result[i] = _pair_break(last, prop, prev, spaces, ri_count)
            else:
                result[i] = (after_spaces if spaces else direct)[last, prop]
            last, spaces = prop, False
        if prop == "RI":
            prev = prop
            ri_count += 1
        else:
            prev = "HL_BA" if prev == "HL" and (prop == "HY" or prop == "BA") else prop
            ri_count = 0
    return result


def width_breaks(text: Sequence[str], width: int, start_column: int,
                  overrides: Sequence[int], cjk: bool) -> list[int]:
    """Where to break `text` so that lines fit `width` (u8_width_linebreaks_v2).

    Greedy: a break opportunity is only taken when the text up to the next
    opportunity would overflow.  `overrides` (UNDEFINED or a forced value per
    character) keeps breaks out of escape sequences and format directives.
    """
    possible = possible_breaks(text, cjk)
    breaks = [PROHIBITED] * len(text)  # what is not chosen below
    last_break = None
    last_column = start_column
    piece_width = 0
    for i, char_columns in enumerate(map(columns_of(cjk), text)):
        kind = overrides[i]
        if kind == UNDEFINED:
            kind = possible[i]
        if kind == POSSIBLE or kind == MANDATORY:
            if last_break is not None and last_column + piece_width > width:
                breaks[last_break] = POSSIBLE
                last_column = 0
            if kind == MANDATORY:
                breaks[i] = MANDATORY
                last_break, last_column, piece_width = None, 0, 0
                continue
            last_break = i
            last_column += piece_width
            piece_width = 0
        piece_width += char_columns
    if last_break is not None and last_column + piece_width > width:
        breaks[last_break] = POSSIBLE
    return breaks
