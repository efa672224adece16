# language: es
Característica: Matriz de prioridad
  Para que los incidentes que más dañan al negocio se atiendan primero
  Como responsable de la mesa de servicio
  Quiero que la prioridad de cada incidente salga de su impacto y su urgencia

  El impacto y la urgencia van de 1 (el más alto) a 3; la prioridad, de P1
  (la más alta) a P5.

  Antecedentes:
    Dado que la mesa de servicio usa la matriz de prioridad por defecto

  Esquema del escenario: El impacto y la urgencia deciden la prioridad
    Cuando Ana registra un incidente con impacto <impacto> y urgencia <urgencia>
    Entonces su prioridad es P<prioridad>

    Ejemplos:
      | impacto | urgencia | prioridad |
      | 1       | 1        | 1         |
      | 1       | 2        | 2         |
      | 1       | 3        | 3         |
      | 2       | 1        | 2         |
      | 2       | 2        | 3         |
      | 2       | 3        | 4         |
      | 3       | 1        | 3         |
      | 3       | 2        | 4         |
      | 3       | 3        | 5         |

  Esquema del escenario: Un impacto fuera de 1 a 3 se rechaza
    Cuando Ana intenta registrar un incidente con impacto <impacto> y urgencia 2
    Entonces la mesa lo rechaza por un impacto no válido
    Y no se ha registrado ningún incidente

    Ejemplos:
      | impacto |
      | 0       |
      | 4       |
