using System.Security.Cryptography;

namespace Chain.Core.Tests.TestSupport;

/// <summary>
/// Four RSA-2048 keys fixed in the source (generated once with <c>openssl genpkey -algorithm RSA</c>): every test
/// process builds the same addresses, transactions and blocks from them, so a seed a randomised test prints replays
/// its failure exactly, and no test pays for key generation.
/// </summary>
internal static class FixedKeys
{
    private static readonly string[] Pems =
    [
        """
        -----BEGIN PRIVATE KEY-----
        MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDAnk3KQKwvcHIb
        enim3hc8F8Dwzpd1Lqil1QtRwJc9RxHvL0L/fyqC1WNjgDY6zjZMQfchdc5hRtYf
        uCQ0PMbJeaUVpFEYuBlUaQBKy5fchwSYh7EKyF3kBivY0f7LZR7mlUQ+qp6zidEN
        0tdTm6Jxrv1NzS4BoM13DPVwhMhVI+bgeIk1WSaHYShrZVZBmV0sVAbmVE6FjD86
        cFuTgCQ8ndzfGdjtROTiqjZ6P0zPMyNojyR/fpZ8iXJIwvYd6QqvYkUrxU9hEDBN
        0FqsuHgZgOCenEBYTJlQemphE9twxuD6SHVqtPkL9KWC5NhCKdCEtQs5YhywrNKb
        rOY3rUUrAgMBAAECggEABI6tfn/Bn/m3T9Xs+hDx8cnW42h8uUwNhECIw21ps3Lc
        Bl6GGK90kDxMqeadrqe0YMeEX/YYMcFp5yQ4zxEx26oVV6OLCHYXbogLEFOS2A5M
        JvCG8tKQAVYk19ak6NqpCYGcmyYqs3333hQP/i1sTk5HaTDVygbfXAkiQYBF94wW
        ymlf7GRMYQJbPzTbEjAmGsbDyX6JhnWxxd/Y3pHPMzmqu7OL1RK7ScGI5TPnMLtQ
        2ZDrEq+H4wwr4KVwphloweOCnkCMXdi0LTqNjhL2ZOr0J1MQ4Z4O6JEwqguFBW2x
        uCVczi0UVY2SjvcucSQQpij/nC3B5JcKcW/soxZtYQKBgQDpUD06B4fR+4cFeVrF
        zKLpfeeizcU7fcUZSHvxPGf7r797A5/vgd6V/M39c/9XiP8ZAgDUpUgHjN6z1kc9
        S6dS7bN0MsYYLPb9BUqXKy62zcynovezLRqqAK470xrrnbkZaOhYe9+Umnqu1CAH
        J9soMaERJkwCTsmYiFWxlxztsQKBgQDTWQ/VV7c/7KSR1Lxtan4DuYGpXG0o/SR0
        s6TIHN4214w0IW5ulXjwBLrMbwVZg/+K7pGCI/HqVnJs0fTJ5wQxc0AeC9tJkC2a
        P8iyZb/UZpcnVnFvs5vGQ6nFN3bLzwoXCgPdWPooaJOZ8PMkUx25bKkIHJF8KWb4
        FvpomQ7LmwKBgHkQ2OR+udydL0AI67BN8o9EdOkG63xmU9s9wIq6NJ7mYG7dv6UR
        d8XOi7kj8vCiNvTsFDBDn6/DSmB5JThKRIYEsCTwn9g1pOhAUadFkhTrj3HBX9UK
        55YlikOi1IpEqqLjzAT2Kls7GcQUcJYl+VPPBOwYOkLMTVGoFQd1CV7RAoGAWSAk
        ui4cW/u6Rrk0oNuYuo9fK4GLkw51cjVTlwP9fZkWSeGTRVUJRAZqk815rw8oE3mZ
        qQzpdo3wAQ3lMcOXFBdrAYC0f+gqIvMk+n5IEBUXRwKAIb/XQBvGmyFRmo77zU1u
        5cgg7itzmyZuEnJuhYRaH86UV4zKHHLsNHHfOGMCgYBsObbAP7rwq015+8EGLxFv
        Oo2D7OjkcQsBBbpOzUfZy3IM4xJ+8sUTJN+JKfvKr8MCNLhQqKNC9ucDv8Su2x1Y
        OAnqc9cUH44BU+UxhoIbw+yyIeKFZttC7RuODTx2HcbNZLzxWcHl2kvDrQLbEAbK
        R2UxPmyEbc73Vz72t2vScA==
        -----END PRIVATE KEY-----
        """,
        """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDTd+IJ2SXH1TWV
        JY8pRq7NfoGvb+r0NW2U1u0dY8xgtOuNKMIvblo8swEkc6skD4ohJTUEl36kgNOd
        2kPUB1mmoUjNwkgBssfurACk/5sPBxw4Rv6N3IURYpIbXpNe+TFgplJgZmABTaWj
        0OLE++EQJKc0d/n5C2qMD6bXzJNE0mGzVuWqj4v5dGaWdMPphXqjdnZLe4JVlbh/
        lGvdLGHuV/JeXD7KawgL+NHX4e+y0bOcfgprGcqFvpM7h64a8yhu5jEMthdievEP
        NS7d/roJ24UI7TA4Qc3Qve5+Rw39a7OTYZPrchn/3DIjOtlzkRJVTd3z+UxLtOFE
        BVS7SGLBAgMBAAECggEABHKjYIiGo9eNQCcFRgWKglAajVCH3yVzScfUPouxghh2
        Ep7QiEe8ekW71Lrh1vEkey5dmUxQLai3wryDNBXIPgHrDohbRD1g2QlZPV8ysUgJ
        kPm1y5Evg5JIn06fwAXy4tz2szg+BVL/NJUNev4PAZxav7bVDTbfMaVX4Za4A4DV
        PRh0F67xMrhjevpPB+jhLd+I14YUrkxtOURyl/r1QfFpEvc8u78VZwKGZBMzx59t
        fqiJwdHuDEqhS3H/yb7CC8AJCrezuMTfCkT1O5st9BCo49xozkOxVlL5ttDuqm5k
        twm0lewHJDFvHUuDCSoWw4cGxZSB0NTIDZYV41J3wQKBgQD53ZtIlsXyAw//9zff
        uS7ffNf6lcoe8Yikv0FgoAqb69kZ28M8BCtx2HDxr8pQv0n4ry3Qye89gZO11YnK
        LJT17ULbxvybPUkxZR0pnxMg4PIqqgRmJwjXSliZ61edC4bOPYvd7VYm5llUGjlD
        Ekuv66Khr+21glCMAgB+UL5d4QKBgQDYqPNr7fnXIFA8iQ+BSds0FrZO2R8NH82a
        o5ZtWInznyzQPtiJIeknbTidqavE6qWY5siws2m+FfmQZJRBR0iEzQwmtvqCSnuq
        Ng45NilTogBm5CcIImDijqYLuussTRrygsInHgsJnJcuXKYDgLEx9x7BEaETfcCE
        UL8APjPg4QKBgQDI+hDvACdTlFcIQed1UlR7esWWT2l2Hj0UlqmVeOVPqRLFE9kj
        qw7u0XN3UzheXp63IuCtMd/3DwSqm4nrTpS6gw7mDFYe39rBml0sn0EZjxX6byp+
        qCMaWDiQBZZBQYY62ZJo/X/wZhOv7C/m3Q54AAaeGw4OkzUKiImxEG0uwQKBgEP3
        ZD10bw7kbSdAW+PUFnbVtSUxCYOleWtMbDErOEN7qKQ/QtBqGekrYzpacq8YaRB5
        PXXpIn/mBt8cHkIIKaC3bltqxVVAJmE0Cew6qGY7COM+KVxs5HXOCBrf7Ux9d7mh
        +WQqEY5XWDnMCKxKn8ur2TL548zogw8/AVwDJ2UhAoGAb04iMNCFAfOBTd7/k5VW
        Xh99SsGQweJZDS2Y9QmuVrtrLzY6z+o0INrLGVVLK+gZlgEyGJatdErwx4ztchqw
        cH5+SW32ldUePeePgnsVKr6KqRFqE435vZQYTM4IrZzgwrop24lp9+T1+8ie2xud
        7bbcbig4Kuru5X8/nF/1dsE=
        -----END PRIVATE KEY-----
        """,
        """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCvfn07ODmeshNc
        inKjez5GMa+LGC62OzvCbUPd8jyf7TfBQa27AYrQD+CZDEDehSrhjmAGaeVN+x7P
        YK35nM7JSU5R37eVpRCjbC/YlkOP9PNfP9Y9fAGlcaOluYFQ28TLgLVtRT+LByFg
        A0MAIlbfPmtLRy2935IJR/cbFO+uJ3O8eGWBmyX0x7BbY+ZBMqk7o2GESjt/5A4f
        8EltN+HDT5Tc+WFOrnQr490hRr//nbNF1DCyW1KkLzWkDcFmnWdwfgAOWdkI/Bia
        xlsAakdgnumI2o8pPm6pafWSdWnTnoc2PzVE3nreERayLHhhr14sXJXBiUu9r3MI
        WkyPpx+dAgMBAAECggEABZndjgNNtiaW1EWdl7bPllaa9K8xO82zgDwT2288x28/
        GqLpqZCeCTqd1M9S+Vx6BuLlZlmri4vv6sx6IP+uiza/Z4Diuhr051JaSz5Yf61g
        tccyzkQ5RToq7+zLbMo8LgaN7nk0Uvqc8mndkeaGq+9bu0uqm7xuoRnekCBgmfKe
        JJtMZNJGnKXcAXsHBv/z7oQBQ2ZrplDy/jkRZD+xOg3X3PATF8EV82KMqrWvGL1f
        16UJSbBQov7DoDknuWHSbSR+8dOa/xyDINYJMHlvZYGgjvtbyZsuccr9kwTARgMg
        184t4QeFsx4wQ3RF4uzFloPHHV/XM00laTUGLRFNAQKBgQDosMkN3LgcDfVkIg0f
        bYfHeeqoJjfhRm7aQeyUY6/8DbnCV2d7nKfBteIsdskPZXLcTTzT5zn3z37lBEOj
        zIxxKdgZC0Ry1H2OL8W8rIKFPSkXKcW6/QO+Y3iwpsWTUTl9vmWpLpU+XF75r3RP
        +aC/gy7kiQhnRAJPWQtCXKXWwQKBgQDBEu78Ppvgdh+w3nCJ9GOT0XoWVapa80E6
        /FGtH+sEIkzY1M4RnR3IjleFL4b5dEqCJvOH3iZAW0TnCycZFtZxKQoB0R8r3AZ8
        tVrbn6uO3TSJ9tCanN+AYYI3VY459czsY134tBRwCUb5mhdq4Y0RYyBbM9E7jyJC
        7saw18573QKBgDlLdmYEaAz4Xujl/Yc0iA9U9LOsnWvJ1PfG7cLn/Og6VPgGX4Ov
        Yhsvdt5t7TnuR+b42bZvo/Vh0SQA9cq6TgZ7QCuCe7sumS/OkYjQjV7TXW/HqFlP
        fYF+qrQMjG+mu1o77HpI7xSo1/Xw/tnGZI9jdMNu/nO26j6xdTVE7MzBAoGBALlr
        kH5JNnPznW3DwjqKrNL6GxC2Bpu//8ZBKcNk4tQeiMS4YorB5CeGpACxayPIjgG+
        nKTAMOYfgOWObWcH6rvUWNrz1cbOUKCVnoNLLXxPbjSNBztlKrPlcSPpE2UQbVQb
        /dRqRTJvhm0RkinAITUwiJNuCSP0y0eSfti4+IE1AoGBAMD09GZOI5dE9P0pCm3a
        GB6BW9G23/zMVG1pU1FXCcR5+6VRIErcyVhdOfbFtkVY/unqioTIftORZcCrBK9k
        j9Z6VblD4shQ20wpys81TJ0MGL4pHG1Fu3BCBRJxwMrNZO7fgfCbRXYcgNkSGEoP
        RTYg6AAIz03le3L9xHm4R/ln
        -----END PRIVATE KEY-----
        """,
        """
        -----BEGIN PRIVATE KEY-----
        MIIEuwIBADANBgkqhkiG9w0BAQEFAASCBKUwggShAgEAAoIBAQCzqp70xLe24N4f
        zfDDsWJI7GdkNLmgNtN5/fNiy0iWpsg5cHPg9FoxBTv644aG9iFrTF7oB4FaOc8l
        09Rz9Ttn/iAue6LfEiksutmGfoec+67nBNHDG1RWvK7Dg/7UY/GipSnvNGUq7/Mh
        12mxYR2QodND6Kkh5+hqn4sRTmDD0XBZAxL5jgk9GqRuzYNkfT+ZeO5WBTMtfsvD
        y5z12qNoznKgZDE94nht1NYWieJ4cLRdCql3Um+Rn7xyJP9cYID+EOV2ASOFKtxh
        I3WamXQicEyEFKeLuBoNAKx6A8M2IbZ7bYUDhsZUFhBDccn5Bn5voBdwCjqU3fXg
        eyar/avhAgMBAAECggEAA3zN86s8KtdTc+gFnkSN6/8HVsFUZRov6rRxHJbTluNU
        eaWHmAWPYg7JPSFcqCUmqus+u81vNTcCV6hZIhw9hfetSj5FABamlj6wjfmlXIsq
        JdYkQV+4AYeWqgJXfPw7GGL+7z8IaEWs+BgzEpeqbtK3n0SNUsa8pTZXUkzSLy0m
        K2y2VQnRDsbFxiieSsr5Zc1yNPF/BoB5NYiT6SZ8+snXhc237E86SJbz4fY8w9qo
        cSTZLIDiXQDebBmvi2CPM/2Sde9aNjbXCEarsN736HqAukXfoIYoSNyl7CbCg93y
        sVbhenENRoJcz7rNWx7dGQ8oS8PFBPA0ppTjTV3jvQKBgQD5O203iD7DuTvOAqGq
        ttL4ch0riCxiUR4Ii7NWJ6JLvIFeM8LqboAPQamnJhD5EF+Y8SgX08i21tqlHgy+
        CQUGDsy/P40Aasb4lQM1Sf7T3IlNL8zjdSsjOHc+HR2zvRUsyzMfYveh/JntYq+9
        F8FnBYodeOlTXbcUpBlGvDYPdwKBgQC4i5k9qrfO7PppOR9OzpXbevXC9KirX73g
        ry7IdK0l03aAGVs3KmYOtf79MaX8Y/T9VV/f4JY5manAoYxwfP39gwwABQt+dwFo
        TUOIE1pyniIXHr7q2LMmsQv2EIWe8UQGDSttYbl8r6QszmEucb3J5ZfJtprlLPVm
        spmrRtjlZwKBgQDMddgPapIy9s79HmOKLRm9/7+2aqweq/U7hX/F+hXGlAp9QXFx
        6NzdpzyKh0v9R1VlntEJWxCaDoCoXJKPg86/PXzymCwQX4iDfZt4KBAJti5dSA2J
        vCF7b2NDbZdkUIYCjWCPKx2DojqU6BTLx6U94ul/bCXd4k/DeyvRP64J2QJ/bZJ1
        aify+um5xMAl1qTSVX6sbRTXEOnH06AwJtUf+VWVBnoHrrl93z4wKCVSaIjw7XnD
        cynmCE00fStuN1v/coZcmaZlLLF8JHG7pw/WpDdABno64TXJKS/16iPlMnoN6Yno
        PwnHGEExOWlQSkM+bKHlfd7uGSSYkGF63Dc0kQKBgH4in8lMK6CRLSt3LvrJ/pOT
        25dhA3GdBEw7UKLyMcYraarf4bd+EgoxQC95SZaiP2TjnRLhl/bng5mXl8vNeedB
        f8zTKEEDsvc0iwgK451y/RLtpVUBYV2R71wnpgv0filO3e+gEBmN3kyaDgt2xBrU
        o4a26nsSlplRffkJkFKu
        -----END PRIVATE KEY-----
        """,
    ];

    /// <summary>How many keys there are.</summary>
    public static int Count => Pems.Length;

    /// <summary>A new <see cref="RSA"/> holding fixed key <paramref name="i"/>.</summary>
    public static RSA Load(int i)
    {
        var key = RSA.Create();
        key.ImportFromPem(Pems[i]);
        return key;
    }
}
